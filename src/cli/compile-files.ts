import { hasErrors } from "../../grammar/diagnostics/diagnostic.js";
import { compileSources, type CompileFilesOptions, type FileResult } from "../compile-sources.js";
import type { TypeScriptVersion } from "../typecheck/engine.js";
import type { TargetBackend } from "../typecheck/types.js";
import { ExitCode, printReasons, readManifest, readManifests } from "./io.js";
import { reportDiagnostics, type DiagnosticsFormat } from "./report.js";

/** The options `check` and `build` share, as the command line gives them. */
export interface CompileCommandOptions {
  readonly workers?: number;
  readonly backend?: TargetBackend;
  readonly format: DiagnosticsFormat;
  readonly watch?: boolean;
  /** `false` with `--no-cache`. */
  readonly cache?: boolean;
  /** `--typescript 6|7`. */
  readonly typescript?: string;
}

/** `check --watch` and `build --watch`: the watch loop, with the command's options. */
export { compileSources, type CompileFilesOptions, type FileResult } from "../compile-sources.js";

export async function watchCommand(
  files: readonly string[],
  options: CompileCommandOptions & { readonly outDir?: string; readonly declarations?: boolean },
  emit: boolean,
): Promise<number> {
  const { watch } = await import("./watch.js");
  return watch(files, { ...options, typescript: typeScriptVersion(options.typescript), emit });
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

/** The version `--typescript` names ("6" or "7", as commander passes it), `undefined` for the default. */
export function typeScriptVersion(option: string | undefined): TypeScriptVersion | undefined {
  return option === undefined ? undefined : option === "6" ? 6 : 7;
}

export function exitCodeOf(results: readonly FileResult[]): number {
  return hasErrors(results.flatMap((r) => r.diagnostics)) ? ExitCode.Failure : ExitCode.Ok;
}
