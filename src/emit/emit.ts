import path from "node:path";
import { printModule } from "../syntax/print.js";
import type { TypedPlan } from "../typecheck/types.js";
import { runnerStatements, type ModuleLocation, type ModuleToLocate } from "./runner-tree.js";

export type { ModuleLocation, ModuleToLocate } from "./runner-tree.js";

export interface EmitOptions {
  /** Where the runner will be written; its imports are relative to it. */
  readonly outFile: string;
  /** How the runner imports the runtime. @default "flowc/runtime" */
  readonly runtimeSpecifier?: string;
  /**
   * Where worker threads import a parallel method's module from, when not from the
   * manifest's folder (a bundle; see `ModuleLocation`). By default they resolve the plan's
   * paths against the manifest's folder.
   */
  readonly moduleLocation?: ((module: ModuleToLocate) => ModuleLocation | undefined) | undefined;
}

/**
 * The TypeScript source of the runner for a type-checked plan: the plan as
 * data, the methods, the run's `Input` and `Output` types derived from the
 * methods' own types (so that the user's `tsc` keeps checking them after a
 * method changes), one compile-time proof per edge, and `createRunner`/`run`.
 *
 * The code is built as a syntax tree of flowc's own (src/syntax/) and printed
 * with Prettier's document printer in Prettier's layout (printWidth 100, two
 * spaces, LF, trailing commas): the text reads as Prettier would format it,
 * without loading TypeScript to build it or Prettier's parser to format it. The
 * settings are fixed (never the user's), so the same plan always gives the same
 * bytes.
 */
export async function emit(typed: TypedPlan, options: EmitOptions): Promise<string> {
  const statements = runnerStatements(typed, {
    outFile: options.outFile,
    runtimeSpecifier: options.runtimeSpecifier ?? "flowc/runtime",
    moduleLocation: options.moduleLocation,
  });
  return printStatements(statements);
}

/**
 * The declaration file of the module a manifest is when imported directly (`./etl.flow`):
 * `etl.d.flow.ts` beside it, the name TypeScript reads with `allowArbitraryExtensions`. It
 * holds the runner's types (the plan's literal type, `Input`, `Output`, the proofs the user's
 * `tsc` re-checks) and declares its functions. `outFile` is where it is written.
 */
export function emitDeclarations(typed: TypedPlan, options: Pick<EmitOptions, "outFile" | "runtimeSpecifier">): string {
  const statements = runnerStatements(typed, {
    outFile: options.outFile,
    runtimeSpecifier: options.runtimeSpecifier ?? "flowc/runtime",
    declarations: true,
  });
  return printStatements(statements);
}

/** Where the declarations of `manifestPath` go: `etl.flow` → `etl.d.flow.ts` beside it. */
export function declarationPathFor(manifestPath: string): string {
  const name = path.basename(manifestPath);
  const dot = name.lastIndexOf(".");
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const extension = dot > 0 ? name.slice(dot) : "";
  return path.join(path.dirname(manifestPath), `${stem}.d${extension}.ts`);
}

function printStatements(statements: readonly import("../syntax/tree.js").Statement[]): string {
  // Imports stay together; every other statement is set apart by a blank line.
  return printModule(statements, (statement, index) => index > 0 && statement.kind !== "import");
}

export interface OutputPathOptions {
  /** `--out-dir`: write runners under this folder instead of beside their manifests. */
  readonly outDir?: string | undefined;
  /** The folder whose layout is kept under `outDir` (the working directory of `flowc build`). */
  readonly rootDir: string;
}

/**
 * Where the runner of `manifestPath` is written: `etl.flow` → `etl.flow.ts` beside
 * it, or under `outDir` at the manifest's path relative to `rootDir`
 * (`flows/etl.flow` → `<outDir>/flows/etl.flow.ts`). A manifest outside `rootDir`
 * goes straight into `outDir`, so that nothing is ever written outside it.
 */
export function outputPathFor(manifestPath: string, options: OutputPathOptions): string {
  const fileName = `${path.basename(manifestPath)}.ts`;
  if (options.outDir === undefined) return path.join(path.dirname(manifestPath), fileName);
  const relative = path.relative(path.resolve(options.rootDir), path.resolve(manifestPath));
  const inside =
    relative !== "" && relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
  return inside ? path.join(options.outDir, `${relative}.ts`) : path.join(options.outDir, fileName);
}
