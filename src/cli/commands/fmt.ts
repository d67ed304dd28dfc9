import { realpath, stat } from "node:fs/promises";
import { formatSource } from "../../format/format.js";
import { ExitCode, UsageError, describeFsError, printReasons, readManifests } from "../io.js";
import { reportDiagnostics } from "../report.js";
import { replaceFile } from "../../write-file.js";

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
      // A manifest reached through a link is formatted where it is, and the link kept;
      // the formatted file keeps the permissions it had.
      const file = await realpath(source.path);
      await replaceFile(file, text, { mode: (await stat(file)).mode & 0o7777 });
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
