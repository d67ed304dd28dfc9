/**
 * The server's own watch on the disk: the folders of the files the open manifests depend on
 * (and of the manifests), with chokidar, as `flowc build --watch` watches (src/cli/watch.ts).
 * Editors report changes too (`workspace/didChangeWatchedFiles`), but not every editor does,
 * nor for files outside the workspace; both go to the same place, which counts a change once.
 */
import path from "node:path";
import type { FSWatcher } from "chokidar";
import { MODULE_FILE } from "./dependencies.js";

export interface Watched {
  readonly files: ReadonlySet<string>;
  readonly folders: ReadonlySet<string>;
}

export interface DiskWatch {
  /** Watches these files, the module files that appear in these folders, and no others. */
  update(watched: Watched): void;
  close(): Promise<void>;
}

export interface DiskWatchOptions {
  /** A watched file changed (or appeared, or went), or a module file in a watched folder did. */
  readonly changed: (file: string) => void;
  /**
   * The files watched now: from the first time it is told, every change to them is seen; a
   * folder added later is watched a moment after.
   */
  readonly watching: (watched: Watched) => void;
  readonly error: (message: string) => void;
}

/** chokidar's events for a file's content: created, changed, deleted. */
const FILE_EVENTS = new Set(["add", "change", "unlink"]);

/** Starts watching nothing yet; chokidar is loaded now. */
export async function watchDisk(options: DiskWatchOptions): Promise<DiskWatch> {
  const { watch } = await import("chokidar");
  let watched: Watched = { files: new Set(), folders: new Set() };
  const wanted = (file: string): boolean =>
    watched.folders.has(file) ||
    watched.files.has(file) ||
    (MODULE_FILE.test(file) && watched.folders.has(path.dirname(file)));
  let watcher: FSWatcher | undefined;
  let ready = false;

  const start = (): FSWatcher => {
    // The folders are watched, not the files: chokidar loses a file that is deleted and then created again
    // when another file of its folder is watched too (as `git checkout` or a rename-and-back does).
    const started = watch([...watched.folders], { ignoreInitial: true, depth: 0, ignored: (file) => !wanted(file) });
    started.on("all", (event, file) => {
      const absolute = path.resolve(file);
      if (FILE_EVENTS.has(event) && wanted(absolute)) options.changed(absolute);
    });
    started.on("error", (reason) =>
      options.error(`watching files: ${reason instanceof Error ? reason.message : String(reason)}`),
    );
    started.once("ready", () => {
      ready = true;
      options.watching(watched);
    });
    return started;
  };

  return {
    update(next) {
      if (same(watched, next)) return;
      const before = watched;
      watched = next;
      if (watcher === undefined) {
        if (next.folders.size > 0) watcher = start();
        return;
      }
      // A file newly wanted in a folder already watched was ignored there until now: add it by name.
      const added = [
        ...[...next.folders].filter((folder) => !before.folders.has(folder)),
        ...[...next.files].filter((file) => !before.files.has(file)),
      ];
      const gone = [...before.folders].filter((folder) => !next.folders.has(folder));
      if (added.length > 0) watcher.add(added);
      if (gone.length > 0) watcher.unwatch(gone);
      if (ready) options.watching(next);
    },
    close: async () => {
      await watcher?.close();
      watcher = undefined;
    },
  };
}

function same(a: Watched, b: Watched): boolean {
  const equal = (x: ReadonlySet<string>, y: ReadonlySet<string>): boolean =>
    x.size === y.size && [...x].every((item) => y.has(item));
  return equal(a.files, b.files) && equal(a.folders, b.folders);
}
