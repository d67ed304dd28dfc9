import { relative } from "node:path";
import {
  compileSources,
  exitCodeOf,
  typeScriptVersion,
  watchCommand,
  type CompileCommandOptions,
} from "../compile-files.js";
import { declarationPathFor } from "../../emit/emit.js";
import { ExitCode, printReasons, readManifests } from "../io.js";
import { reportDiagnostics } from "../report.js";
import { outputOf, planRunners, writeRunner } from "../runners.js";

export interface BuildOptions extends CompileCommandOptions {
  readonly outDir?: string;
  /** `--declarations`: write `<name>.d.flow.ts` beside each manifest instead of its runner. */
  readonly declarations?: boolean;
}

/**
 * `flowc build <files…>`: writes `<manifest>.flow.ts` beside each manifest, or
 * under `--out-dir` keeping its path relative to the current directory; with
 * `--declarations`, `<name>.d.flow.ts` beside each manifest instead (for code that
 * imports the manifest itself through the loader or a bundler plugin).
 * Nothing is written for a manifest with errors, and nothing at all when the
 * command line is wrong (a manifest that cannot be read, two manifests whose
 * runners would be the same file): the readable manifests are still checked
 * and their diagnostics reported, and the exit code is 2.
 */
export async function buildCommand(files: readonly string[], options: BuildOptions): Promise<number> {
  if (options.watch === true) return watchCommand(files, options, true);
  const rootDir = process.cwd();
  const { sources, unreadable } = await readManifests(files);
  const declarations = options.declarations === true;
  const runners = planRunners(
    sources.map((source) => source.path),
    declarations ? undefined : options.outDir,
    rootDir,
  );
  const problems = [...unreadable, ...runners.collisions];
  const results = await compileSources(sources, {
    workers: options.workers,
    backend: options.backend,
    cache: options.cache,
    typescript: typeScriptVersion(options.typescript),
    // Emitting costs time; skip it when nothing will be written.
    outFile: problems.length === 0 && !declarations ? runners.outFile : undefined,
    declarationsFile: problems.length === 0 && declarations ? declarationPathFor : undefined,
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
  for (const output of results.flatMap(outputOf)) {
    const wrote = await writeRunner(output.file, output.text);
    if (options.format === "text") {
      process.stderr.write(`${wrote ? "wrote" : "unchanged"} ${relative(rootDir, output.file)}\n`);
    }
  }
  return exitCodeOf(results);
}
