import { parse } from "../grammar/index.js";
import type { FlowDocument } from "../grammar/ast.js";
import type { SourceText } from "../grammar/source.js";
import type { PlanDescriptor } from "../stdlib/plan.js";
import { pushAll } from "../grammar/arrays.js";
import { analysisOf, type Analysis } from "./analysis.js";
import { bind } from "./bind/bind.js";
import { check } from "./check/check.js";
import { hasErrors, type Diagnostic } from "../grammar/diagnostics/diagnostic.js";
import { limitDiagnostics } from "../grammar/diagnostics/limit.js";
import { emit, emitDeclarations, type EmitOptions } from "./emit/emit.js";
import { runnerFormatProblem } from "./emit/runner-format.js";
import { runnerImportPathDiagnostics } from "./emit/runner-import-paths.js";
import { resolve, untypedHost } from "./resolve/resolve.js";
import type { Resolution } from "./resolve/types.js";
import type { EngineProject, TypeScriptVersion } from "./typecheck/engine.js";
import { typeCheck } from "./typecheck/type-check.js";
import type { TargetBackend, TypedPlan } from "./typecheck/types.js";

export interface CompileOptions {
  /** `--workers N`: the most workers the plan may use at once. */
  readonly workers?: number | undefined;
  /**
   * Read the methods' TypeScript: check that they exist and that the data between
   * them fits. Off, the compiler checks only the manifest itself.
   * @default true
   */
  readonly types?: boolean;
  /** Where the runner will be written; when given (and nothing failed), its code is emitted. */
  readonly outFile?: string | undefined;
  /**
   * `--backend NAME`: the backend the runner is meant for. `bullmq` makes values that do
   * not survive JSON errors (FLOW4008) and marks a clean plan `jsonSafe`; `inline`
   * silences the warnings about values worker threads cannot receive (FLOW4007).
   * When `undefined`, the manifest's `backend …;` statement decides, if it has one;
   * when given, it takes precedence over the manifest.
   */
  readonly backend?: TargetBackend | undefined;
  /**
   * A run's input to judge against the plan's `Input` type (`flowc run --input`): its
   * problems are `typed.inputProblems`. `value` is the parsed JSON, `undefined` when none.
   */
  readonly runInput?: { readonly value: unknown } | undefined;
  /**
   * Also the declaration file of the manifest imported directly (`etl.d.flow.ts`, see
   * `emitDeclarations`), to be written at this path, when there are no errors.
   */
  readonly declarationsFile?: string | undefined;
  /** Where worker threads import a parallel method's module from in a bundle (see `EmitOptions.moduleLocation`). */
  readonly moduleLocation?: EmitOptions["moduleLocation"];
}

/**
 * Gives the compiler a TypeScript project for a manifest; one per `flowc` invocation is
 * shared by all manifests, and closed when the invocation ends (see typecheck/engine.ts).
 */
export interface TypeScriptServices {
  /** The TypeScript that reads the methods. */
  readonly version: TypeScriptVersion;
  /**
   * The project of the methods of the manifest at `manifestPath` (or of a runner to be
   * written there); the first call starts the TypeScript that reads them.
   */
  forManifest(manifestPath: string): Promise<EngineProject>;
  /** Ends what the services hold (the native compiler's process); idempotent. */
  close(): void;
}

export interface CompileResult {
  readonly source: SourceText;
  /**
   * The manifest's text, then that of every other file a diagnostic points into (a
   * methods module with a TypeScript error, the tsconfig): what printing them needs.
   */
  readonly sources: readonly SourceText[];
  readonly document: FlowDocument;
  readonly resolution: Resolution | undefined;
  readonly analysis: Analysis | undefined;
  readonly typed: TypedPlan | undefined;
  /** The runnable plan: from the type-checker when types were read, else from the checker. */
  readonly plan: PlanDescriptor | undefined;
  /** Generated runner source, when `outFile` was given and there were no errors. */
  readonly code: string | undefined;
  /** The declaration file's text, when `declarationsFile` was given and there were no errors. */
  readonly declarations: string | undefined;
  /**
   * Every phase's diagnostics, in phase order; past `diagnosticsPerFile` of them, the first
   * in source order and one that counts the rest (see `diagnostics/limit.ts`).
   */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Compiles one manifest: parse → resolve → bind → check → plan → type-check → emit.
 *
 * Each phase returns its own result and diagnostics and leaves its inputs
 * untouched. A phase runs only when the phases before it found no error, so
 * that one mistake is reported once, where it is, and not again as the
 * confusing consequences it has downstream.
 */
export async function compile(
  source: SourceText,
  options: CompileOptions = {},
  typescript?: TypeScriptServices,
): Promise<CompileResult> {
  const diagnostics: Diagnostic[] = [];
  const result = (rest: Partial<CompileResult>): CompileResult => ({
    source,
    sources: [source, ...(rest.typed?.sources ?? [])],
    document: parsed.document,
    resolution: undefined,
    analysis: undefined,
    typed: undefined,
    plan: undefined,
    code: undefined,
    declarations: undefined,
    ...rest,
    // The parser limits its own; the later phases run only on a file that parsed cleanly.
    diagnostics: limitDiagnostics(source.path, diagnostics),
  });

  const parsed = parse(source);
  if (hasErrors(parsed.diagnostics)) return { ...result({}), diagnostics: parsed.diagnostics };
  pushAll(diagnostics, parsed.diagnostics);

  const services = options.types === false ? undefined : await typescript?.forManifest(source.path);
  const resolution = resolve(parsed.document, source, services?.host ?? untypedHost);
  pushAll(diagnostics, resolution.diagnostics);

  const bound = bind(parsed.document, source);
  pushAll(diagnostics, bound.diagnostics);

  const checked = check(bound, resolution, { workers: options.workers });
  pushAll(diagnostics, checked.diagnostics);

  // The plan phase: a plan only for a sound graph (see `analysisOf`).
  const analysis = analysisOf(resolution, bound, checked);
  if (hasErrors(diagnostics) || analysis.plan === undefined) return result({ resolution, analysis });
  if (services === undefined) return result({ resolution, analysis, plan: analysis.plan });

  // The command line (or the API) names the backend for this build; the manifest's own
  // `backend …;` is what it is meant for otherwise.
  const typed = typeCheck(analysis, services, {
    backend: options.backend ?? analysis.backend,
    runInput: options.runInput,
  });
  pushAll(diagnostics, typed.diagnostics);
  if (hasErrors(diagnostics)) return result({ resolution, analysis, typed });

  if (options.outFile === undefined && options.declarationsFile === undefined) {
    return result({ resolution, analysis, typed, plan: typed.plan });
  }
  let code: string | undefined;
  if (options.outFile !== undefined) {
    pushAll(diagnostics, runnerImportPathDiagnostics(parsed.document, source, resolution, options.outFile));
    if (hasErrors(diagnostics)) return result({ resolution, analysis, typed });
    // The runner belongs to the project of the folder it is written to, which may not be the manifest's.
    // A warning, not an error: the runner may be compiled by a toolchain flowc cannot see (a bundler, another tsconfig).
    const runnerProject = (await typescript?.forManifest(options.outFile)) ?? services;
    const format = runnerFormatProblem(runnerProject.moduleFormat(options.outFile), options.outFile, source);
    if (format !== undefined) diagnostics.push(format);
    code = await emit(typed, { outFile: options.outFile, moduleLocation: options.moduleLocation });
  }
  const declarations =
    options.declarationsFile === undefined ? undefined : emitDeclarations(typed, { outFile: options.declarationsFile });
  return result({ resolution, analysis, typed, plan: typed.plan, code, declarations });
}
