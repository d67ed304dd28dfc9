/**
 * Where `flowc run` and `flowc runs` keep a manifest's run journal: an
 * embedded database in `.flowc/` beside the manifest (the runs of a manifest
 * live with it, whatever folder the command runs in), or, for runs on the
 * bullmq backend, the Redis its workers share, so that a caller on any machine
 * can resume a run another started.
 */
import { writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { errors } from "../../stdlib/errors.js";
import { redisStore, sqliteStore, type RunStore } from "../../stdlib/index.js";
import { describeFsError, makeDirectory } from "./io.js";

/** The journal folder's name beside a manifest. */
export const JOURNAL_FOLDER = ".flowc";

/** How a command chose its journal. */
export interface JournalChoice {
  /** The manifest the runs belong to. */
  readonly manifest: string;
  /** `--journal <dir>`: the folder instead of `.flowc/` beside the manifest. */
  readonly directory?: string | undefined;
  /** `redis`: the journal of runs on the bullmq backend. */
  readonly redis?: { readonly url: string | undefined; readonly ttlMs: number | undefined } | undefined;
}

/** The journal folder for a manifest: `--journal <dir>`, else `.flowc/` beside it. */
export function journalDirectory(manifest: string, directory?: string): string {
  return resolve(directory ?? join(dirname(manifest), JOURNAL_FOLDER));
}

/** Opens the journal a command chose. A folder flowc creates gets a `.gitignore` that keeps it out of version control. */
export async function openJournal(choice: JournalChoice): Promise<RunStore> {
  const manifest = resolve(choice.manifest);
  if (choice.redis !== undefined) {
    return redisStore(choice.redis.url ?? process.env.FLOWC_REDIS_URL, { ttlMs: choice.redis.ttlMs, manifest });
  }
  const directory = journalDirectory(manifest, choice.directory);
  try {
    await makeDirectory(directory);
    // `wx`: written once, when the folder is new; a user's own edit of it stays.
    if (choice.directory === undefined) {
      await writeFile(join(directory, ".gitignore"), "# flowc's run journal (see README, Resuming a run)\n*\n", {
        flag: "wx",
      }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "EEXIST") throw error;
      });
    }
  } catch (error) {
    throw errors.journalUnavailable(directory, `cannot be created (${describeFsError(error)})`);
  }
  return sqliteStore(directory, { manifest });
}
