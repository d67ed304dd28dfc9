import path from "node:path";
import { ts, type CompilerOptions } from "ts-morph";
import type { SourceText } from "../../grammar/source.js";
import { Messages } from "../../grammar/diagnostics/catalogue.js";
import { createDiagnostic, type Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import { displayPathFor } from "../typecheck/module-errors.js";

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

/**
 * FLOW4014 when the user's TypeScript would compile the runner written to `outFile` as
 * CommonJS, where its `import.meta` is an error (TS1343/TS1470): the build would hand
 * over a runner that the user's own `tsc` then refuses. `options` are those of the
 * project the runner belongs to (the tsconfig nearest to it).
 */
export function runnerFormatProblem(
  options: CompilerOptions,
  outFile: string,
  manifest: SourceText,
): Diagnostic | undefined {
  const runner = path.basename(outFile);
  const module = options.module ?? defaultModule(options);
  let fix: string | undefined;
  if (SCRIPT_MODULES.has(module)) {
    fix = `its tsconfig's 'module' is '${ts.ModuleKind[module]}'; set it to 'NodeNext' (with "type": "module" in package.json) or 'ESNext'.`;
  } else if (NODE_MODULES.has(module)) {
    const format = ts.getImpliedNodeFormatForFile(path.resolve(outFile) as ts.Path, undefined, ts.sys, options);
    if (format !== ts.ModuleKind.ESNext) {
      const packageJson = ts.findConfigFile(path.dirname(path.resolve(outFile)), ts.sys.fileExists, "package.json");
      fix =
        packageJson === undefined
          ? `no package.json above it says "type": "module"; add one that does (or use a bundler with 'module': 'ESNext').`
          : `${displayPathFor(manifest.path)(packageJson)} has no "type": "module"; add it (or use a bundler with 'module': 'ESNext').`;
    }
  }
  if (fix === undefined) return undefined;
  return createDiagnostic(Messages.RunnerNotModule, manifest.path, { start: 0, end: 0 }, [runner, fix]);
}

/** TypeScript's default `module`: CommonJS for targets before ES2015, ES2015 from there on. */
function defaultModule(options: CompilerOptions): ts.ModuleKind {
  const target = options.target ?? ts.ScriptTarget.ES5;
  return target >= ts.ScriptTarget.ES2015 ? ts.ModuleKind.ES2015 : ts.ModuleKind.CommonJS;
}
