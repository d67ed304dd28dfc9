/**
 * The server's own watch on the disk: the folders of the files the open manifests depend on
 * (and of the manifests), with chokidar, as `flowc build --watch` watches (src/cli/watch.ts).
 * Editors report changes too (`workspace/didChangeWatchedFiles`), but not every editor does,
 * nor for files outside the workspace; both go to the same place, which counts a change once.
 */
import path from "node:path";
import type { FSWatcher } from "chokidar";
import { MODULE_FILE, type FileChange } from "./dependencies.js";

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
  /** A watched file changed, or a module file appeared or went in a watched folder. */
  readonly changed: (file: string, change: FileChange) => void;
  /** A new set of files is watched: every change to them from now on is seen. */
  readonly ready: (watched: Watched) => void;
  readonly error: (message: string) => void;
}

const CHANGES: Readonly<Record<string, FileChange>> = { add: "created", change: "changed", unlink: "deleted" };

/** Starts watching nothing yet; chokidar is loaded now. */
export async function watchDisk(options: DiskWatchOptions): Promise<DiskWatch> {
  const { watch } = await import("chokidar");
  let current: { readonly watched: Watched; readonly watcher: FSWatcher | undefined } | undefined;
  const open = new Set<FSWatcher>();
  let closed = false;
  const stop = async (watcher: FSWatcher | undefined): Promise<void> => {
    if (watcher === undefined) return;
    open.delete(watcher);
    await watcher.close();
  };

  /**
   * A watcher of its own for each set: the one before goes only once the new one is ready, so
   * that no change falls between them (the two seeing one change is the same change, counted once).
   */
  const start = (watched: Watched): FSWatcher => {
    const wanted = (file: string): boolean =>
      watched.folders.has(file) ||
      watched.files.has(file) ||
      (MODULE_FILE.test(file) && watched.folders.has(path.dirname(file)));
    // The folders are watched, not the files: chokidar loses a file that is deleted and then created again
    // when another file of its folder is watched too (as `git checkout` or a rename-and-back does).
    const watcher = watch([...watched.folders], { ignoreInitial: true, depth: 0, ignored: (file) => !wanted(file) });
    watcher.on("all", (event, file) => {
      const change = CHANGES[event];
      const absolute = path.resolve(file);
      if (change !== undefined && wanted(absolute)) options.changed(absolute, change);
    });
    watcher.on("error", (reason) =>
      options.error(`watching files: ${reason instanceof Error ? reason.message : String(reason)}`),
    );
    open.add(watcher);
    return watcher;
  };

  return {
    update(watched) {
      if (closed || (current !== undefined && same(current.watched, watched))) return;
      const before = current?.watcher;
      if (watched.folders.size === 0) {
        current = { watched, watcher: undefined };
        void stop(before);
        options.ready(watched);
        return;
      }
      const watcher = start(watched);
      current = { watched, watcher };
      watcher.once("ready", () => {
        void stop(before);
        if (current?.watcher === watcher) options.ready(watched);
      });
    },
    close: async () => {
      closed = true;
      await Promise.all([...open].map(stop));
      current = undefined;
    },
  };
}

function same(a: Watched, b: Watched): boolean {
  const equal = (x: ReadonlySet<string>, y: ReadonlySet<string>): boolean =>
    x.size === y.size && [...x].every((item) => y.has(item));
  return equal(a.files, b.files) && equal(a.folders, b.folders);
}
