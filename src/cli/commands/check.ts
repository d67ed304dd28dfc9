import { compileFiles, typeScriptVersion } from "../compile-files.js";
import type { TargetBackend } from "../../typecheck/types.js";
import type { DiagnosticsFormat } from "../report.js";

export interface CheckOptions {
  readonly workers?: number;
  readonly backend?: TargetBackend;
  readonly format: DiagnosticsFormat;
  readonly watch?: boolean;
  /** `false` with `--no-cache`. */
  readonly cache?: boolean;
  /** `--typescript 6|7`. */
  readonly typescript?: string;
}

/**
 * `flowc check <files…>`: every phase but emit. A manifest that cannot be read
 * does not stop the others from being checked; it is reported after their
 * diagnostics, and the exit code is 2.
 */
export async function checkCommand(files: readonly string[], options: CheckOptions): Promise<number> {
  if (options.watch === true)
    return (await import("../watch.js")).watch(files, {
      ...options,
      typescript: typeScriptVersion(options.typescript),
      emit: false,
    });
  const { exitCode } = await compileFiles(
    files,
    {
      workers: options.workers,
      backend: options.backend,
      typescript: typeScriptVersion(options.typescript),
      cache: options.cache,
    },
    options.format,
  );
  return exitCode;
}
