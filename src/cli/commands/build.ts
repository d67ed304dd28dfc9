import { relative } from "node:path";
import {
  compileSources,
  exitCodeOf,
  typeScriptVersion,
  watchCommand,
  type CompileCommandOptions,
} from "../compile-files.js";
import { ExitCode, printReasons, readManifests } from "../io.js";
import { reportDiagnostics } from "../report.js";
import { planRunners, writeRunner } from "../runners.js";

export interface BuildOptions extends CompileCommandOptions {
  readonly outDir?: string;
}

/**
 * `flowc build <files…>`: writes `<manifest>.flow.ts` beside each manifest, or
 * under `--out-dir` keeping its path relative to the current directory.
 * Nothing is written for a manifest with errors, and nothing at all when the
 * command line is wrong (a manifest that cannot be read, two manifests whose
 * runners would be the same file): the readable manifests are still checked
 * and their diagnostics reported, and the exit code is 2.
 */
export async function buildCommand(files: readonly string[], options: BuildOptions): Promise<number> {
  if (options.watch === true) return watchCommand(files, options, true);
  const rootDir = process.cwd();
  const { sources, unreadable } = await readManifests(files);
  const runners = planRunners(
    sources.map((source) => source.path),
    options.outDir,
    rootDir,
  );
  const problems = [...unreadable, ...runners.collisions];
  const results = await compileSources(sources, {
    workers: options.workers,
    backend: options.backend,
    cache: options.cache,
    typescript: typeScriptVersion(options.typescript),
    // Emitting costs time; skip it when nothing will be written.
    outFile: problems.length === 0 ? runners.outFile : undefined,
  });
  reportDiagnostics(
    results.flatMap((r) => r.diagnostics),
    results.flatMap((r) => r.sources),
    options.format,
  );
  if (problems.length > 0) {
    printReasons([...problems, "nothing written"]);
    return ExitCode.Usage;
  }
  for (const result of results) {
    if (result.code === undefined || result.outFile === undefined) continue;
    const wrote = await writeRunner(result.outFile, result.code);
    if (options.format === "text") {
      process.stderr.write(`${wrote ? "wrote" : "unchanged"} ${relative(rootDir, result.outFile)}\n`);
    }
  }
  return exitCodeOf(results);
}
