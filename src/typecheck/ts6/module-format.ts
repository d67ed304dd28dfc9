import path from "node:path";
import { ts, type CompilerOptions } from "ts-morph";
import type { ModuleFormat } from "../engine.js";

/** Module kinds under which a `.ts` file takes its format from the nearest package.json's `type`. */
const NODE_MODULES: ReadonlySet<ts.ModuleKind> = new Set([
  ts.ModuleKind.Node16,
  ts.ModuleKind.NodeNext,
  ...(ts.ModuleKind.Node18 === undefined ? [] : [ts.ModuleKind.Node18]),
]);

/** Module kinds that compile every file to a format without `import.meta`. */
const SCRIPT_MODULES: ReadonlySet<ts.ModuleKind> = new Set([
  ts.ModuleKind.None,
  ts.ModuleKind.CommonJS,
  ts.ModuleKind.AMD,
  ts.ModuleKind.UMD,
  ts.ModuleKind.System,
]);

/** How TypeScript 6 compiles a `.ts` file at `file` under `options`. */
export function moduleFormatOf(options: CompilerOptions, file: string): ModuleFormat {
  const module = options.module ?? defaultModule(options);
  if (SCRIPT_MODULES.has(module)) return { kind: "script", module: ts.ModuleKind[module] };
  if (!NODE_MODULES.has(module)) return { kind: "module" };
  const format = ts.getImpliedNodeFormatForFile(path.resolve(file) as ts.Path, undefined, ts.sys, options);
  if (format === ts.ModuleKind.ESNext) return { kind: "module" };
  const packageJson = ts.findConfigFile(path.dirname(path.resolve(file)), ts.sys.fileExists, "package.json");
  return { kind: "commonjs-package", packageJson };
}

/** TypeScript 6's default `module`: CommonJS for targets before ES2015, ES2015 from there on. */
function defaultModule(options: CompilerOptions): ts.ModuleKind {
  const target = options.target ?? ts.ScriptTarget.ES5;
  return target >= ts.ScriptTarget.ES2015 ? ts.ModuleKind.ES2015 : ts.ModuleKind.CommonJS;
}
