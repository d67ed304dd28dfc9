import { writeFile } from "node:fs/promises";
import { formatSource } from "../../format/format.js";
import { ExitCode, UsageError, describeFsError, printReasons, readManifests } from "../io.js";
import { reportDiagnostics } from "../report.js";

/**
 * `flowc fmt <files…> [--check]`: rewrites manifests in the canonical layout.
 * With `--check` nothing is written; unformatted files are listed and the exit code is 1.
 * When a manifest cannot be read, nothing is written either: the others are
 * still checked (and, with `--check`, listed), the unreadable ones reported, and the exit code is 2.
 */
export async function fmtCommand(files: readonly string[], options: { check?: boolean }): Promise<number> {
  const { sources, unreadable } = await readManifests(files);
  const write = options.check !== true && unreadable.length === 0;
  let exitCode: number = ExitCode.Ok;
  for (const source of sources) {
    const { text, diagnostics } = formatSource(source);
    if (text === undefined) {
      reportDiagnostics(diagnostics, [source], "text");
      exitCode = ExitCode.Failure;
      continue;
    }
    if (text === source.text) continue;
    if (!write) {
      if (options.check === true) process.stdout.write(`${source.path}\n`);
      exitCode = ExitCode.Failure;
      continue;
    }
    try {
      await writeFile(source.path, text);
    } catch (error) {
      throw new UsageError(`cannot write ${source.path}: ${describeFsError(error)}`);
    }
    process.stderr.write(`formatted ${source.path}\n`);
  }
  if (unreadable.length > 0) {
    printReasons(options.check === true ? unreadable : [...unreadable, "nothing written"]);
    return ExitCode.Usage;
  }
  return exitCode;
}
