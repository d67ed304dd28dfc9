import { writeFile } from "node:fs/promises";
import { formatSource } from "../../format/format.js";
import { ExitCode, UsageError, describeFsError, readManifest } from "../io.js";
import { reportDiagnostics } from "../report.js";

/**
 * `flowc fmt <files…> [--check]`: rewrites manifests in the canonical layout.
 * With `--check` nothing is written; unformatted files are listed and the exit code is 1.
 */
export async function fmtCommand(files: readonly string[], options: { check?: boolean }): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  for (const file of files) {
    const source = await readManifest(file);
    const { text, diagnostics } = formatSource(source);
    if (text === undefined) {
      reportDiagnostics(diagnostics, [source], "text");
      exitCode = ExitCode.Failure;
      continue;
    }
    if (text === source.text) continue;
    if (options.check) {
      process.stdout.write(`${file}\n`);
      exitCode = ExitCode.Failure;
      continue;
    }
    try {
      await writeFile(file, text);
    } catch (error) {
      throw new UsageError(`cannot write ${file}: ${describeFsError(error)}`);
    }
    process.stderr.write(`formatted ${file}\n`);
  }
  return exitCode;
}
