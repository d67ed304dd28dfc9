/**
 * flowc with and without a run journal (W7), as users run it: a runner of the
 * generated `createRunner()`, given `store: sqliteStore(dir)` or nothing.
 *
 * Every round gets a runner of its own, made before the round is timed
 * (`Trial.before`): with a journal, on a store in a fresh folder (or on a copy
 * of a journal prepared once, for a resume), so that no round finds what an
 * earlier one stored. A runner on worker threads first runs a few items that
 * are not the case's, so that its threads are up and have imported the
 * methods before it is timed, as W2's pools are. After each round, what the
 * journal holds is checked (`Trial.verify`): a journal that stored nothing
 * would be fast for the wrong reason.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Runner, RunStore } from "../../stdlib/index.js";
import type { Contender, Trial } from "../harness/types.js";
import type { ChainSetup, ItemsSetup, JournalOutput, JournalSetup } from "../workloads/w7-journal.js";
import type { HashItem } from "../workloads/w2-parallel-cpu.methods.js";
import { chain } from "./flowc-generated.js";

/** The journal id of the timed run, which `verify` reads back. */
const TIMED = "timed";
/** The journal id of the untimed run that readies each round's runner. */
const WARM_UP = "warm-up";

/** A new empty folder for a journal, under the system's temporary folder. */
export function journalFolder(): string {
  return mkdtempSync(join(tmpdir(), "flowc-bench-journal-"));
}

/** The runner of the current round, its store and the store's folder; each `next` retires the last. */
class Round<I, O> {
  runner: Runner<I, O> | undefined;
  store: RunStore | undefined;
  #dir: string | undefined;

  /** Closes the last round's runner and store and removes its journal, then makes the next round's. */
  async next(make: (store: RunStore | undefined) => Runner<I, O>, store?: { dir: string; open: () => RunStore }) {
    await this.close();
    this.#dir = store?.dir;
    this.store = store?.open();
    this.runner = make(this.store);
    return this.runner;
  }

  async close(): Promise<void> {
    await this.runner?.close();
    await this.store?.close();
    if (this.#dir !== undefined) rmSync(this.#dir, { recursive: true, force: true });
    this.runner = undefined;
    this.store = undefined;
    this.#dir = undefined;
  }
}

function itemsOf(setup: JournalSetup): ItemsSetup {
  if (setup.kind !== "items") throw new Error("this contender runs items on threads; the case has none");
  return setup;
}

function chainOf(setup: JournalSetup): ChainSetup {
  if (setup.kind !== "chain") throw new Error("this contender runs W1's chain; the case has none");
  return setup;
}

/** The method record of `method` in run `id` of `store`, checked against what the run should have left there. */
async function expectRecord(
  store: RunStore,
  id: string,
  method: string,
  expected: { calls: number; reused: number; stored: number },
): Promise<void> {
  const run = await store.run(id);
  if (run?.status !== "ok") throw new Error(`journal run '${id}' is ${run?.status ?? "missing"}, expected ok`);
  const record = (await store.methods(id)).find((candidate) => candidate.method === method);
  const found = { calls: record?.calls, reused: record?.reused, stored: record?.stored };
  if (found.calls !== expected.calls || found.reused !== expected.reused || found.stored !== expected.stored) {
    throw new Error(
      `journal run '${id}' recorded ${method} as ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}`,
    );
  }
}

/** What a contender does each round, on the setup of its kind (`S`) and a runner of inputs `I`. */
interface RoundPlan<S, I, O> {
  /** Where the round's store is; none: no journal. */
  readonly journal?: ((setup: S) => { dir: string; open: () => RunStore }) | undefined;
  readonly make: (setup: S, store: RunStore | undefined) => Runner<I, O>;
  /** Untimed, on the new runner: what makes it ready (threads started, the database open). */
  readonly ready: (runner: Runner<I, O>, store: RunStore | undefined, setup: S) => Promise<unknown>;
  readonly run: (runner: Runner<I, O>, setup: S) => Promise<JournalOutput>;
  readonly verify?: ((store: RunStore, setup: S) => Promise<void>) | undefined;
}

/** A W7 contender: a new runner each round, made and readied before the round is timed. */
function perRound<S, I, O>(
  id: string,
  label: string,
  pick: (setup: JournalSetup) => S,
  plan: RoundPlan<S, I, O>,
): Contender<JournalSetup, JournalOutput> {
  return {
    id,
    label,
    // Without a journal, flowc is what a user would run instead: the report's ratios are the journal's to it.
    role: plan.journal === undefined ? "peer" : "flowc",
    placement: "process",
    async prepare(given) {
      const setup = pick(given);
      const round = new Round<I, O>();
      const verify = plan.verify;
      const trial: Trial<JournalOutput> = {
        async before() {
          const runner = await round.next((store) => plan.make(setup, store), plan.journal?.(setup));
          await plan.ready(runner, round.store, setup);
        },
        run: () => plan.run(round.runner!, setup),
        verify: verify === undefined ? undefined : () => verify(round.store!, setup),
        close: () => round.close(),
      };
      return trial;
    },
  };
}

/**
 * W7, items on threads: a runner of the generated `createRunner()` with the store `journal`
 * gives (none: no journal), started on the warm-up items.
 */
function itemsContender(
  id: string,
  label: string,
  journal: ((setup: ItemsSetup) => { dir: string; open: () => RunStore }) | undefined,
  run: (runner: Runner<readonly HashItem[], string[]>, setup: ItemsSetup) => Promise<string[]>,
  verify?: (store: RunStore, setup: ItemsSetup) => Promise<void>,
): Contender<JournalSetup, JournalOutput> {
  return perRound(id, label, itemsOf, {
    journal,
    make: (setup, store) => setup.generated.createRunner(store === undefined ? {} : { store }),
    ready: (runner, store, setup) =>
      runner.run(setup.warmItems, store === undefined ? undefined : { journalId: WARM_UP }),
    run,
    verify,
  });
}

/** A store in a new empty folder. */
function freshJournal(setup: ItemsSetup | ChainSetup): { dir: string; open: () => RunStore } {
  const dir = journalFolder();
  return { dir, open: () => setup.runtime.sqliteStore(dir) };
}

/** A store on a copy of the setup's prepared journal, which holds the outputs of its first items. */
function preparedJournal(setup: ItemsSetup): { dir: string; open: () => RunStore } {
  const prepared = setup.prepared;
  if (prepared === undefined) throw new Error("this case has no prepared journal to resume from");
  const dir = journalFolder();
  for (const file of readdirSync(prepared.dir)) copyFileSync(join(prepared.dir, file), join(dir, file));
  return { dir, open: () => setup.runtime.sqliteStore(dir) };
}

/** W7: `runner.run(items)` on a runner without a journal (the baseline of the journal's cost and of a resume). */
export const flowcNoJournal = itemsContender(
  "no-journal",
  "flowc, generated `createRunner()`, no journal",
  undefined,
  (runner, setup) => runner.run(setup.items),
);

/** W7: the same run on a runner whose store is a new SQLite journal: every item's output stored. */
export const flowcJournal = itemsContender(
  "journal",
  "flowc, generated `createRunner({ store: sqliteStore(dir) })`",
  freshJournal,
  (runner, setup) => runner.run(setup.items, { journalId: TIMED }),
  (store, setup) =>
    expectRecord(store, TIMED, setup.method, { calls: setup.items.length, reused: 0, stored: setup.items.length }),
);

/**
 * W7: `runner.run(items, { resume: true })` on a copy of a journal that holds the outputs
 * of the first items: they are read back, and only the rest are hashed (and stored).
 */
export const flowcResume = itemsContender(
  "resume",
  "flowc, generated `createRunner({ store })`, `run(items, { resume: true })`",
  preparedJournal,
  (runner, setup) => runner.run(setup.items, { resume: true, journalId: TIMED }),
  (store, setup) => {
    const done = setup.prepared?.done ?? 0;
    const rest = setup.items.length - done;
    return expectRecord(store, TIMED, setup.method, { calls: rest, reused: done, stored: rest });
  },
);

/** W7, W1's chain: `await runner.run(x)` for each x on a new runner each round, with a journal in a new folder or none. */
function chainContender(id: string, label: string, journaled: boolean): Contender<JournalSetup, JournalOutput> {
  return perRound(id, label, chainOf, {
    journal: journaled ? freshJournal : undefined,
    make: (setup, store) => setup.generated.createRunner(store === undefined ? {} : { store }),
    // One run of another x opens the backend and the database, as the threads' warm-up run does.
    ready: (runner, store, setup) => runner.run(setup.runs, store === undefined ? undefined : { journalId: WARM_UP }),
    run: (runner, setup) => chain(setup.runs, (x) => runner.run(x)),
    verify: journaled ? verifyChain : undefined,
  });
}

/** Every run of the chain recorded as ended well, and the first and last with each method's output stored. */
async function verifyChain(store: RunStore, setup: ChainSetup): Promise<void> {
  const runs = (await store.list()).filter((run) => run.id !== WARM_UP);
  if (runs.length !== setup.runs) throw new Error(`the journal holds ${runs.length} runs, expected ${setup.runs}`);
  const failed = runs.find((run) => run.status !== "ok");
  if (failed !== undefined) throw new Error(`journal run '${failed.id}' is ${failed.status}, expected ok`);
  for (const run of [runs[0]!, runs[runs.length - 1]!]) {
    for (const method of ["a", "b", "c"]) await expectRecord(store, run.id, method, { calls: 1, reused: 0, stored: 1 });
  }
}

/** W7: W1's chain, `await runner.run(x)` for each x, no journal. */
export const flowcChainNoJournal = chainContender(
  "chain-no-journal",
  "flowc, generated `createRunner()`, no journal",
  false,
);

/** W7: the same on a runner with a new SQLite journal: a journal record for each run, each call's output stored. */
export const flowcChainJournal = chainContender(
  "chain-journal",
  "flowc, generated `createRunner({ store: sqliteStore(dir) })`",
  true,
);
