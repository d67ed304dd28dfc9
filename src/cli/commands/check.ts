import { compileFiles } from "../compile-files.js";
import type { BackendName } from "../../typecheck/types.js";
import type { DiagnosticsFormat } from "../report.js";

export interface CheckOptions {
  readonly workers?: number;
  readonly backend?: BackendName;
  readonly format: DiagnosticsFormat;
}

/** `flowc check <files…>`: every phase but emit. */
export async function checkCommand(files: readonly string[], options: CheckOptions): Promise<number> {
  const { exitCode } = await compileFiles(
    files,
    { workers: options.workers, backend: options.backend },
    options.format,
  );
  return exitCode;
}
