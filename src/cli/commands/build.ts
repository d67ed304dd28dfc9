import { writeFile } from "node:fs/promises";
import { dirname, relative } from "node:path";
import { outputPathFor } from "../../emit/emit.js";
import { compileFiles } from "../compile-files.js";
import { ExitCode, UsageError, describeFsError, makeDirectory } from "../io.js";
import type { BackendName } from "../../typecheck/types.js";
import type { DiagnosticsFormat } from "../report.js";

export interface BuildOptions {
  readonly outDir?: string;
  readonly workers?: number;
  readonly backend?: BackendName;
  readonly format: DiagnosticsFormat;
}

/**
 * `flowc build <files…>`: writes `<manifest>.flow.ts` beside each manifest, or
 * under `--out-dir` keeping its path relative to the current directory.
 * Nothing is written for a manifest with errors.
 */
export async function buildCommand(files: readonly string[], options: BuildOptions): Promise<number> {
  const rootDir = process.cwd();
  const { results, exitCode } = await compileFiles(
    files,
    {
      workers: options.workers,
      backend: options.backend,
      outFile: (manifest) => outputPathFor(manifest, { outDir: options.outDir, rootDir }),
    },
    options.format,
  );
  for (const result of results) {
    if (result.code === undefined || result.outFile === undefined) continue;
    const dir = dirname(result.outFile);
    try {
      await makeDirectory(dir);
    } catch (error) {
      const failed = (error as NodeJS.ErrnoException).path ?? dir;
      throw new UsageError(
        `cannot write ${result.outFile}: cannot make directory ${failed}: ${describeFsError(error)}`,
      );
    }
    try {
      await writeFile(result.outFile, result.code);
    } catch (error) {
      throw new UsageError(`cannot write ${result.outFile}: ${describeFsError(error)}`);
    }
    if (options.format === "text") process.stderr.write(`wrote ${relative(rootDir, result.outFile)}\n`);
  }
  return exitCode === ExitCode.Ok ? ExitCode.Ok : exitCode;
}
