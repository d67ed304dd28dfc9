import { dirname, relative, resolve } from "node:path";
import type { SourceText } from "../../grammar/source.js";
import { type Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import type { TypeScriptVersion } from "../typecheck/engine.js";
import type { TargetBackend } from "../typecheck/types.js";
import { compileSources, type FileResult } from "./compile-files.js";
import { ExitCode, UsageError, printReasons, readManifest, readManifests } from "./io.js";
import { reportDiagnostics, type DiagnosticsFormat } from "./report.js";
import { outputOf, planRunners, writeRunner } from "./runners.js";
import { declarationPathFor } from "../emit/emit.js";
import { createWatchServices } from "../watch-services.js";

export interface WatchOptions {
  readonly workers?: number | undefined;
  readonly backend?: TargetBackend | undefined;
  readonly format: DiagnosticsFormat;
  /** `build --watch`: write runners (under `outDir` when given); `check --watch`: write nothing. */
  readonly emit: boolean;
  readonly outDir?: string | undefined;
  /** `build --watch --declarations`: write each manifest's `<name>.d.flow.ts` instead of its runner. */
  readonly declarations?: boolean | undefined;
  /** `--typescript`: the TypeScript that reads the methods, kept warm for the whole session. */
  readonly typescript?: TypeScriptVersion | undefined;
}

/** Changes closer together than this are one rebuild: an editor's save or a `git checkout` touches several files. */
const DEBOUNCE_MS = 100;

/** What the session knows about one manifest of the command line. */
interface Entry {
  /** The path as the user wrote it, which diagnostics show. */
  readonly file: string;
  source: SourceText | undefined;
  result: FileResult | undefined;
  /** Why the manifest cannot be read now, if it cannot. */
  unreadable: string | undefined;
  /** Files whose change recompiles the manifest: its methods modules and what they import (absolute paths). */
  modules: ReadonlySet<string>;
  tsConfig: string | undefined;
  /** The runner on disk, written or found there, so that a rebuild writes only runners whose code changed. */
  written: string | undefined;
}

/**
 * `flowc check --watch` and `flowc build --watch`: compiles once, then watches
 * each manifest, the methods modules it resolved (and the local files they
 * import) and the nearest tsconfig.json; on a change it recompiles only the
 * manifests the changed files concern, in TypeScript projects kept warm for the
 * whole session, reports every manifest's diagnostics again and ends each round
 * with a timestamped status line. Stops on SIGINT or SIGTERM with exit 0: the
 * user ending the session is not a failure, whatever the last round found.
 *
 * A manifest that cannot be read at the start, or two whose runners would be
 * one file, is bad usage (exit 2) as without `--watch`; one that disappears
 * later is reported each round until it is back.
 */
export async function watch(files: readonly string[], options: WatchOptions): Promise<number> {
  const rootDir = process.cwd();
  const { sources, unreadable } = await readManifests(files);
  const declarations = options.emit && options.declarations === true;
  const runners = options.emit
    ? planRunners(
        sources.map((source) => source.path),
        declarations ? undefined : options.outDir,
        rootDir,
      )
    : undefined;
  const problems = [...unreadable, ...(runners?.collisions ?? [])];
  if (problems.length > 0) {
    printReasons(options.emit ? [...problems, "nothing written"] : problems);
    return ExitCode.Usage;
  }

  // Listened to from the start, so that a signal during the first compile stops the session after it.
  let onSignal = (): void => {};
  const stopped = new Promise<void>((done) => (onSignal = done));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const services = createWatchServices(options.typescript);
  const entries = new Map<string, Entry>(
    sources.map((source) => [
      resolve(source.path),
      {
        file: source.path,
        source,
        result: undefined,
        unreadable: undefined,
        modules: new Set(),
        tsConfig: undefined,
        written: undefined,
      },
    ]),
  );
  const color = options.format === "text" && process.stderr.isTTY && !process.env["NO_COLOR"];

  /** Recompiles the manifests at `keys` and writes the runners whose code changed. */
  const compileEntries = async (keys: readonly string[]): Promise<string[]> => {
    const wrote: string[] = [];
    for (const key of keys) {
      const entry = entries.get(key)!;
      try {
        entry.source = await readManifest(entry.file);
        entry.unreadable = undefined;
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        Object.assign(entry, { source: undefined, result: undefined, unreadable: error.message, written: undefined });
        continue;
      }
      const [result] = await compileSources(
        [entry.source],
        {
          workers: options.workers,
          backend: options.backend,
          outFile: declarations ? undefined : runners?.outFile,
          declarationsFile: declarations ? declarationPathFor : undefined,
        },
        services,
      );
      entry.result = result;
      entry.tsConfig = services.tsConfigOf(key);
      // A manifest that does not parse resolves no module: keep watching those it had.
      // The files the code hashes read too: a change to any of them changes the plan.
      if (result!.resolved)
        entry.modules = new Set([
          ...(await services.localImports(key, result!.modulePaths.values())),
          ...result!.codeFiles,
        ]);
      const [output] = outputOf(result!);
      if (output === undefined) {
        entry.written = undefined;
      } else if (output.text !== entry.written) {
        // Found already on disk (as a runner from an earlier build is, the first time), it is not written again.
        if (await writeRunner(output.file, output.text)) wrote.push(relative(rootDir, output.file));
        entry.written = output.text;
      }
    }
    return wrote;
  };

  /** Every file whose change matters, absolute. */
  const watchedFiles = (): Set<string> => {
    const all = new Set<string>();
    for (const [key, entry] of entries) {
      all.add(key);
      for (const module of entry.modules) all.add(module);
      if (entry.tsConfig !== undefined) all.add(entry.tsConfig);
    }
    return all;
  };

  /** Reports the state of every manifest, as the command without `--watch` would, then the status line. */
  const report = (wrote: readonly string[], watching: number): void => {
    const known = [...entries.values()];
    const diagnostics: Diagnostic[] = known.flatMap((entry) => entry.result?.diagnostics ?? []);
    reportDiagnostics(
      diagnostics,
      known.flatMap((entry) => entry.result?.sources ?? entry.source ?? []),
      options.format,
    );
    const missing = known.flatMap((entry) => entry.unreadable ?? []);
    printReasons(missing);
    if (options.format === "text") for (const file of wrote) process.stderr.write(`wrote ${file}\n`);
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    const warnings = diagnostics.length - errors;
    const counts = [
      plural(errors, "error"),
      ...(warnings > 0 ? [plural(warnings, "warning")] : []),
      ...(missing.length > 0 ? [`${plural(missing.length, "manifest")} unreadable`] : []),
    ];
    process.stderr.write(`[${clock()}] ${counts.join(", ")}, watching ${plural(watching, "file")}\n`);
  };

  let watcher: import("chokidar").FSWatcher | undefined;
  try {
    const wrote = await compileEntries([...entries.keys()]);
    let watched = watchedFiles();
    let directories = directoriesOf(watched);

    // Loaded only for --watch: nothing else needs it.
    const { watch: watchFiles } = await import("chokidar");
    // The folders are watched, not the files: chokidar loses a file that is deleted and then created again
    // when another file of its folder is watched too (as `git checkout` or a rename-and-back does).
    const fileWatcher = watchFiles([...directories], {
      ignoreInitial: true,
      depth: 0,
      ignored: (path) => !directories.has(path) && !watched.has(path),
    });
    watcher = fileWatcher;
    // The status line promises that files are watched: print it once they are, so that no edit made after it is missed.
    await new Promise<void>((ready) => fileWatcher.once("ready", ready));
    report(wrote, watched.size);

    const pending = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;
    let stopping = false;

    const rebuild = async (changed: readonly string[]): Promise<void> => {
      for (const entry of entries.values()) {
        if (entry.tsConfig !== undefined && changed.includes(entry.tsConfig)) services.forgetProject(entry.tsConfig);
      }
      services.refresh(changed);
      const affected = [...entries].flatMap(([key, entry]) =>
        changed.includes(key) ||
        (entry.tsConfig !== undefined && changed.includes(entry.tsConfig)) ||
        changed.some((file) => entry.modules.has(file))
          ? [key]
          : [],
      );
      if (affected.length === 0) return;
      if (color) process.stderr.write("\x1b[2J\x1b[H");
      const names = changed.map((file) => relative(rootDir, file));
      const what = names.length <= 3 ? names.join(", ") : `${names.length} files`;
      process.stderr.write(`[${clock()}] ${what} changed: checking ${plural(affected.length, "manifest")}\n`);
      const wrote = await compileEntries(affected);
      const now = watchedFiles();
      const nowDirectories = directoriesOf(now);
      // A file newly wanted in a folder already watched was ignored there until now: add it by name.
      const added = [...now].filter((file) => !watched.has(file));
      const gone = [...directories].filter((directory) => !nowDirectories.has(directory));
      watched = now;
      directories = nowDirectories;
      if (added.length > 0) fileWatcher.add(added);
      if (gone.length > 0) fileWatcher.unwatch(gone);
      report(wrote, watched.size);
    };

    const flush = (): void => {
      if (running !== undefined || stopping || pending.size === 0) return;
      const changed = [...pending];
      pending.clear();
      running = rebuild(changed)
        .catch((error: unknown) => {
          // A failure of one round (a runner that cannot be written, a bug) must not end the session.
          const message = error instanceof Error ? error.message : String(error);
          process.stderr.write(`flowc: ${error instanceof UsageError ? "" : "internal error: "}${message}\n`);
        })
        .finally(() => {
          running = undefined;
          if (pending.size > 0) schedule();
        });
    };
    const schedule = (): void => {
      clearTimeout(timer);
      timer = setTimeout(flush, DEBOUNCE_MS);
    };
    fileWatcher.on("all", (event, path) => {
      if ((event !== "add" && event !== "change" && event !== "unlink") || !watched.has(resolve(path))) return;
      pending.add(resolve(path));
      schedule();
    });
    fileWatcher.on("error", (error) => {
      process.stderr.write(`flowc: watching files: ${error instanceof Error ? error.message : String(error)}\n`);
    });

    await stopped;
    stopping = true;
    clearTimeout(timer);
    await running;
    return ExitCode.Ok;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await watcher?.close();
    services.close();
  }
}

function directoriesOf(files: ReadonlySet<string>): Set<string> {
  return new Set([...files].map((file) => dirname(file)));
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** `12:01:02`, local time. */
function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}
