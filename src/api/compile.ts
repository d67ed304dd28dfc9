/**
 * The compiler as a library: what `flowc check` and `flowc build` do, for tools that
 * run it themselves (build scripts, bundler plugins, editors).
 */
import { readFile } from "node:fs/promises";
import { createSourceText } from "../../grammar/source.js";
import type { PlanDescriptor } from "../../stdlib/plan.js";
import { compile as compileManifest, type TypeScriptServices } from "../compile.js";
import { hasErrors } from "../../grammar/diagnostics/diagnostic.js";
import { declarationPathFor, outputPathFor } from "../emit/emit.js";
import type { TypeScriptVersion } from "../typecheck/engine.js";
import type { EdgeType, MethodTypes, TargetBackend } from "../typecheck/types.js";
import { createTypeScriptServices } from "../typescript-services.js";
import { sourceTexts, toPublicDiagnostics, type Diagnostic, type DiagnosticSources } from "./diagnostics.js";

/** A manifest to compile: the path of a `.flow` file to read, or its path and text (an unsaved editor buffer, say). */
export type ManifestInput = string | { readonly path: string; readonly text: string };

export interface CheckOptions {
  /** The most workers the plan may use at once, as `--workers` (stages that need more are errors). */
  readonly workers?: number | undefined;
  /**
   * The backend the plan is meant for, as `--backend`: `bullmq` proves every value survives JSON,
   * `inline` turns the errors about values threads cannot clone into warnings. Default: the
   * manifest's `backend` statement, if any.
   */
  readonly backend?: TargetBackend | undefined;
  /**
   * Read the methods' TypeScript (signatures, the data between methods, the modules' own errors).
   * Off, only the manifest itself is checked: fast, and enough for a formatter or a graph.
   * @default true
   */
  readonly types?: boolean | undefined;
  /**
   * The TypeScript that reads the methods, as `--typescript`: 7, the native compiler, in a
   * process of its own for the call (or the session), or 6, in this process. Where 7 cannot
   * start, 6 takes over with a warning on standard error. A session's own choice wins.
   * @default 7
   */
  readonly typescript?: TypeScriptVersion | undefined;
  /** TypeScript projects to share with other calls (see `createSession`); a fresh one per call by default. */
  readonly session?: CompilerSession | undefined;
}

export interface CompileOptions extends CheckOptions {
  /**
   * Where the runner will be written (its imports are relative to it). Default: beside the
   * manifest, `<name>.flow.ts`. Nothing is written: the code is returned.
   */
  readonly outFile?: string | undefined;
  /**
   * Also the declaration file `flowc build --declarations` writes (`etl.d.flow.ts`, the types of
   * `import … from "./etl.flow"`), in `declarations`. Nothing is written.
   * @default false
   */
  readonly declarations?: boolean | undefined;
}

export interface CheckResult {
  /** The manifest's path, as given. */
  readonly file: string;
  /** No error (warnings allowed). */
  readonly ok: boolean;
  /** Every diagnostic, sorted by file and position. */
  readonly diagnostics: readonly Diagnostic[];
  /** The text of every file the diagnostics point into, by path (for `printDiagnostics`). */
  readonly sources: DiagnosticSources;
  /** The plan, when the manifest has no error. */
  readonly plan: PlanDescriptor | undefined;
  /**
   * The run's input and output types as TypeScript prints them, and each method's (its input,
   * awaited output and call signature) by manifest name, when the methods were read.
   */
  readonly types:
    | {
        readonly input: string;
        readonly output: string;
        readonly methods: Readonly<Record<string, MethodTypes>>;
      }
    | undefined;
  /**
   * What travels along each edge, as TypeScript prints it: for every method and each of its
   * inputs in order, the value it receives from `sender` (`"@input"` for the run's input) after
   * `on_error: skip`/`settle` and a branch's routing, e.g. `{ sender: "extract", receiver:
   * "load", type: "(Row | undefined)[]" }`. Given whenever the type-check ran, also where an
   * edge does not fit; empty when a method could not be read; `undefined` when the type-check
   * did not run (`types: false`, or errors in the manifest itself).
   */
  readonly edges: readonly EdgeType[] | undefined;
}

export interface CompileResult extends CheckResult {
  /** Where the runner is meant to be written. */
  readonly outFile: string;
  /** The runner's TypeScript source, when the manifest has no error. */
  readonly code: string | undefined;
  /** With `declarations: true`, where the declaration file goes: `etl.d.flow.ts` beside the manifest. */
  readonly declarationsFile: string | undefined;
  /** With `declarations: true`, the declaration file's text, when the manifest has no error. */
  readonly declarations: string | undefined;
}

/** TypeScript projects (one per tsconfig, with their parsed libraries) shared by the calls that are given it. */
export interface CompilerSession {
  readonly kind: "flowc-session";
  /**
   * Ends the session: the TypeScript 7 compiler's process stops, and the projects are
   * let go. A call given the session afterwards starts it again.
   */
  close(): void;
}

export interface SessionOptions {
  /** The TypeScript that reads the methods of every call of the session (see `CheckOptions.typescript`). */
  readonly typescript?: TypeScriptVersion | undefined;
}

/** What each session holds, kept out of its public shape. */
const sessions = new WeakMap<CompilerSession, TypeScriptServices>();

/**
 * A session for many calls: the manifests of one build share their TypeScript projects,
 * so the second manifest under a tsconfig costs a fraction of the first.
 *
 * @example
 * const session = createSession();
 * try {
 *   for (const file of files) results.push(await check(file, { session }));
 * } finally {
 *   session.close();
 * }
 */
export function createSession(options: SessionOptions = {}): CompilerSession {
  const session: CompilerSession = Object.freeze({
    kind: "flowc-session",
    close() {
      sessions.get(session)?.close();
      sessions.set(session, createTypeScriptServices({ typescript: options.typescript }));
    },
  });
  sessions.set(session, createTypeScriptServices({ typescript: options.typescript }));
  return session;
}

/**
 * Checks a manifest as `flowc check` does: syntax, names, the graph, and — unless
 * `types: false` — the methods' TypeScript and the data between them. Never throws for a
 * mistake in the manifest (that is a diagnostic); rejects only when the file cannot be read.
 *
 * @example
 * import { check, printDiagnostics } from "flowc";
 * const result = await check("etl.flow", { workers: 8 });
 * if (!result.ok) process.stderr.write(printDiagnostics(result));
 */
export async function check(manifest: ManifestInput, options: CheckOptions = {}): Promise<CheckResult> {
  const {
    code: _code,
    outFile: _outFile,
    declarations: _d,
    declarationsFile: _f,
    ...result
  } = await run(manifest, options, undefined, undefined);
  return result;
}

/**
 * Compiles a manifest as `flowc build` does and returns the runner's code (written nowhere):
 * the same diagnostics and the same bytes as the CLI.
 *
 * @example
 * import { compile } from "flowc";
 * import { writeFile } from "node:fs/promises";
 * const result = await compile("etl.flow");
 * if (result.code !== undefined) await writeFile(result.outFile, result.code);
 */
export async function compile(manifest: ManifestInput, options: CompileOptions = {}): Promise<CompileResult> {
  const path = typeof manifest === "string" ? manifest : manifest.path;
  const outFile = options.outFile ?? outputPathFor(path, { rootDir: "." });
  return run(manifest, options, outFile, options.declarations === true ? declarationPathFor(path) : undefined);
}

async function run(
  manifest: ManifestInput,
  options: CheckOptions,
  outFile: string | undefined,
  declarationsFile: string | undefined,
): Promise<CompileResult> {
  const source =
    typeof manifest === "string"
      ? createSourceText(manifest, await readFile(manifest, "utf8"))
      : createSourceText(manifest.path, manifest.text);
  const shared = options.session === undefined ? undefined : sessions.get(options.session);
  const own =
    options.types === false || shared !== undefined
      ? undefined
      : createTypeScriptServices({ typescript: options.typescript });
  let result: Awaited<ReturnType<typeof compileManifest>>;
  try {
    result = await compileManifest(
      source,
      { workers: options.workers, backend: options.backend, types: options.types, outFile, declarationsFile },
      options.types === false ? undefined : (shared ?? own),
    );
  } finally {
    own?.close();
  }
  const typed = result.typed;
  return {
    file: source.path,
    ok: !hasErrors(result.diagnostics),
    diagnostics: toPublicDiagnostics(result.diagnostics, result.sources),
    sources: sourceTexts(result.sources),
    plan: hasErrors(result.diagnostics) ? undefined : result.plan,
    types:
      typed === undefined
        ? undefined
        : { input: typed.inputType, output: typed.outputType, methods: Object.fromEntries(typed.types) },
    edges: typed?.edges,
    outFile: outFile ?? "",
    code: result.code,
    declarationsFile,
    declarations: result.declarations,
  };
}
