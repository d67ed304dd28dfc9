import type { SourceText } from "../../grammar/source.js";
import { compile, type CompileResult, type TypeScriptServices } from "../compile.js";
import { hasErrors } from "../../grammar/diagnostics/diagnostic.js";
import type { TypeScriptVersion } from "../typecheck/engine.js";
import type { TargetBackend } from "../typecheck/types.js";
import { createTypeScriptServices } from "../typescript-services.js";
import { ExitCode, printReasons, readManifest, readManifests } from "./io.js";
import { reportDiagnostics, type DiagnosticsFormat } from "./report.js";

export interface CompileFilesOptions {
  readonly workers?: number | undefined;
  readonly backend?: TargetBackend | undefined;
  readonly types?: boolean;
  /** `--typescript`: the TypeScript that reads the methods (see `createTypeScriptServices`). */
  readonly typescript?: TypeScriptVersion | undefined;
  /** A run's input to judge against the plan's input type (see `CompileOptions.runInput`). */
  readonly runInput?: { readonly value: unknown } | undefined;
  /** Output path of each manifest's runner; when given, runners are emitted. */
  readonly outFile?: ((manifestPath: string) => string) | undefined;
}

export interface FileResult extends CompileResult {
  readonly outFile: string | undefined;
  /** Resolved module file of each method, keyed by manifest name. */
  readonly modulePaths: ReadonlyMap<string, string>;
}

export interface CompiledFiles {
  readonly results: FileResult[];
  /** 2 when a manifest could not be read, else 1 when a diagnostic is an error, else 0. */
  readonly exitCode: number;
}

/**
 * Compiles the manifests of a command line the way `check` and `build` do:
 * every readable manifest is compiled in one shared TypeScript project and
 * their diagnostics are reported together; then each manifest that could not
 * be read is reported on a line of its own, and the exit code is 2.
 *
 * `options.outFile` is ignored when a manifest could not be read: a command
 * line that is wrong writes nothing.
 */
export async function compileFiles(
  files: readonly string[],
  options: CompileFilesOptions,
  format: DiagnosticsFormat,
): Promise<CompiledFiles> {
  const { sources, unreadable } = await readManifests(files);
  const results = await compileSources(sources, unreadable.length === 0 ? options : { ...options, outFile: undefined });
  reportDiagnostics(
    results.flatMap((r) => r.diagnostics),
    results.flatMap((r) => r.sources),
    format,
  );
  printReasons(unreadable);
  return { results, exitCode: unreadable.length > 0 ? ExitCode.Usage : exitCodeOf(results) };
}

/** Compiles one manifest for a command that takes one (`run`, `graph`, `worker`); unreadable, it is a usage error. */
export async function compileFile(
  file: string,
  options: CompileFilesOptions,
  format: DiagnosticsFormat,
): Promise<{ result: FileResult; exitCode: number }> {
  const source = await readManifest(file);
  const [result] = await compileSources([source], options);
  reportDiagnostics(result!.diagnostics, result!.sources, format);
  return { result: result!, exitCode: exitCodeOf([result!]) };
}

/**
 * Compiles manifests already read, sharing `typescript` (one project per
 * tsconfig). Created here unless given (watch mode keeps its own warm), the
 * services are closed here too, so that no TypeScript process outlives the command.
 */
export async function compileSources(
  sources: readonly SourceText[],
  options: CompileFilesOptions,
  typescript?: TypeScriptServices,
): Promise<FileResult[]> {
  if (typescript !== undefined || options.types === false) return compileEach(sources, options, typescript);
  const services = createTypeScriptServices({ typescript: options.typescript });
  try {
    return await compileEach(sources, options, services);
  } finally {
    services.close();
  }
}

async function compileEach(
  sources: readonly SourceText[],
  options: CompileFilesOptions,
  typescript: TypeScriptServices | undefined,
): Promise<FileResult[]> {
  const results: FileResult[] = [];
  for (const source of sources) {
    const outFile = options.outFile?.(source.path);
    const result = await compile(
      source,
      { workers: options.workers, backend: options.backend, types: options.types, runInput: options.runInput, outFile },
      typescript,
    );
    const modulePaths = new Map<string, string>();
    for (const [name, binding] of result.resolution?.bindings ?? []) {
      if (binding.modulePath !== undefined) modulePaths.set(name, binding.modulePath);
    }
    results.push({ ...result, outFile, modulePaths });
  }
  return results;
}

/** The version `--typescript` names ("6" or "7", as commander passes it), `undefined` for the default. */
export function typeScriptVersion(option: string | undefined): TypeScriptVersion | undefined {
  return option === undefined ? undefined : option === "6" ? 6 : 7;
}

export function exitCodeOf(results: readonly FileResult[]): number {
  return hasErrors(results.flatMap((r) => r.diagnostics)) ? ExitCode.Failure : ExitCode.Ok;
}
