/**
 * `flowc run`'s journal: which store, which run (a new one, or the one
 * `--resume` names or the manifest's last), with which input (a resumed run
 * keeps its own), and the line that tells the user how to resume it.
 */
import { relative, resolve } from "node:path";
import type { RunStore } from "../../stdlib/index.js";
import { newJournalId } from "../../stdlib/journal/journal.js";
import { holdIsFree, holderName } from "../../stdlib/journal/hold.js";
import { errors } from "../../stdlib/errors.js";
import { CommandFailure, UsageError } from "./io.js";
import { openJournal } from "./journal-store.js";

/** What `flowc run` was told about its journal. */
export interface RunJournalFlags {
  /** `--journal <dir>` (a folder), `--no-journal` (`false`), or neither. */
  readonly journal?: string | false | undefined;
  /** `--resume` (`true`: the manifest's last run) or `--resume <run>`. */
  readonly resume?: string | true | undefined;
  /** `--input` as given, if it was. */
  readonly input?: string | undefined;
  /** On the bullmq backend: the journal lives in its Redis. */
  readonly redis?: { readonly url: string | undefined; readonly ttlMs: number | undefined } | undefined;
}

/** A run with a journal: the store, the run options it takes, and the input of the run it resumes. */
export interface RunJournal {
  readonly store: RunStore;
  /** The journal id of the run: new, or the one resumed. */
  readonly id: string;
  /** Whether it continues an earlier run of the journal. */
  readonly continues: boolean;
  readonly runOptions: { readonly resume: string | true | undefined; readonly journalId: string | undefined };
  /** A resumed run's stored input (`{ value }`), `undefined` for a new run. */
  readonly storedInput: { readonly value: unknown } | undefined;
}

/** Opens the journal of a run of `file`, or `undefined` with `--no-journal`. */
export async function prepareRunJournal(file: string, flags: RunJournalFlags): Promise<RunJournal | undefined> {
  if (flags.journal === false) {
    if (flags.resume !== undefined) throw new UsageError("--resume needs the run journal: leave out --no-journal");
    return undefined;
  }
  if (typeof flags.resume === "string" && flags.input !== undefined) {
    throw new UsageError(
      "--resume <run> continues that run with its own input: leave out --input, or use --resume alone to rerun with a new input",
    );
  }
  const store = await openJournal({
    manifest: file,
    directory: typeof flags.journal === "string" ? flags.journal : undefined,
    redis: flags.redis,
  });
  try {
    return await choose(file, flags, store);
  } catch (error) {
    await store.close();
    throw error;
  }
}

async function choose(file: string, flags: RunJournalFlags, store: RunStore): Promise<RunJournal> {
  let id: string | undefined = typeof flags.resume === "string" ? flags.resume : undefined;
  if (flags.resume === true && flags.input === undefined) {
    // `--resume` alone: the manifest's last run, with its input.
    const [last] = await store.list({ manifest: resolve(file), limit: 1 });
    if (last === undefined) throw new UsageError(`no run of ${file} to resume in ${store.location}`);
    id = last.id;
  }
  if (id !== undefined) {
    const run = await store.run(id);
    if (run === undefined) throw new CommandFailure(`no run '${id}' in ${store.location}; 'flowc runs' lists them`);
    // Said before anything is compiled; the claim itself, when the run starts, still decides.
    if (!holdIsFree(run, Date.now()) && run.owner !== null) {
      throw new CommandFailure(errors.runBusy(store.location, id, holderName(run.owner), run.startedAt).message);
    }
    const stored = await store.input(id);
    if (stored === undefined) throw new CommandFailure(`no run '${id}' in ${store.location}; 'flowc runs' lists them`);
    return {
      store,
      id,
      continues: true,
      runOptions: { resume: id, journalId: undefined },
      storedInput: { value: stored.input },
    };
  }
  // A new run: with `--resume --input`, it reuses every call the journal holds.
  const journalId = newJournalId();
  // Read once now: a journal that cannot be opened (damaged, unreachable) is told before the compile,
  // not after a resume hint that names a run it could never record.
  await store.run(journalId);
  return {
    store,
    id: journalId,
    continues: false,
    runOptions: { resume: flags.resume === true ? true : undefined, journalId },
    storedInput: undefined,
  };
}

/** `run 20261206-233112-k3f9 (journal .flowc): resume it with flowc run etl.flow --resume 20261206-233112-k3f9` */
export function resumeHint(file: string, journal: RunJournal, directory: string | false | undefined): string {
  const location = journal.store.location;
  const where = location.startsWith("/") ? relative(process.cwd(), location) || "." : location;
  const what = journal.continues ? `resuming run ${journal.id}` : `run ${journal.id}`;
  const flag = typeof directory === "string" ? ` --journal ${directory}` : "";
  return `${what} (journal ${where}); to resume it: flowc run ${file}${flag} --resume ${journal.id}`;
}
