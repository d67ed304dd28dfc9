import { ts, type CompilerOptions } from "ts-morph";
import type { ModuleFormat } from "../engine.js";
import { moduleFormatOf } from "../module-format.js";

/** How TypeScript 6 compiles a `.ts` file at `file` under `options`. */
export function typeScript6ModuleFormat(options: CompilerOptions, file: string): ModuleFormat {
  return moduleFormatOf(options.module ?? defaultModule(options), file);
}

/** TypeScript 6's default `module`: CommonJS for targets before ES2015, ES2015 from there on. */
function defaultModule(options: CompilerOptions): ts.ModuleKind {
  const target = options.target ?? ts.ScriptTarget.ES5;
  return target >= ts.ScriptTarget.ES2015 ? ts.ModuleKind.ES2015 : ts.ModuleKind.CommonJS;
}
