/**
 * A runner's journal (`RunnerOptions.store`): it puts a journal in front of
 * every method the backend bound (journaled-method.ts), and around every run
 * it records the run in the store first (a new record, or the claimed record
 * of the run it resumes) and how it ended last.
 */
import { randomInt, randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { BackendMethod, FlowEvent, RunOptions } from "../api.js";
import { ErrorCode, errors, FlowError } from "../errors.js";
import type { PlanDescriptor } from "../plan.js";
import { JournalRun, journalFailure } from "./journal-run.js";
import { journaledMethod } from "./journaled-method.js";
import type { RunOwner, RunStore } from "./store.js";

/** What a journal id may hold: it names a run on a command line and in Redis keys. */
export const JOURNAL_ID = /^[A-Za-z0-9_.-]{1,128}$/;

/** Starts one run of the scheduler with the listener given (the journal's, and the caller's). */
export type StartRun = (listener: (event: FlowEvent) => void) => Promise<unknown>;

export class Journal {
  readonly store: RunStore;
  readonly #plan: PlanDescriptor;
  readonly #names: readonly string[];
  /** Who holds this runner's runs: this process, under a token of the runner's own. */
  readonly #owner: RunOwner = { host: hostname(), pid: process.pid, token: randomUUID() };
  /** The journaled runs going, by the scheduler's run id. */
  readonly #runs = new Map<string, JournalRun>();

  constructor(store: RunStore, plan: PlanDescriptor) {
    this.store = store;
    this.#plan = plan;
    this.#names = plan.methods.map((method) => method.name);
  }

  /** The backend's methods (in plan order) with the journal in front. */
  bind(bound: readonly BackendMethod[]): BackendMethod[] {
    return bound.map((method, i) => journaledMethod(method, i, this.#plan.methods[i]!, this.#runs));
  }

  /**
   * Runs `start` as run `runId` of the journal: records the run (or claims the one it
   * resumes) before anything is called, and how it ended once it settled. A journal that
   * cannot be written fails the run with its `JournalError`.
   */
  async run(
    runId: string,
    input: unknown,
    options: RunOptions | undefined,
    listener: ((event: FlowEvent) => void) | undefined,
    start: StartRun,
  ): Promise<unknown> {
    const journalRun = await this.#open(input, options);
    this.#runs.set(runId, journalRun);
    journalRun.hold();
    const id = journalRun.id;
    const onEvent = (event: FlowEvent): void => {
      journalRun.onEvent(event);
      listener?.(event.type === "run:start" ? { ...event, journal: id } : event);
    };
    let output: unknown;
    let error: unknown;
    try {
      output = await start(onEvent);
    } catch (thrown) {
      error = thrown ?? new Error("the run failed without a reason");
    } finally {
      this.#runs.delete(runId);
    }
    const failure = await journalRun.end(error);
    if (error !== undefined) throw error;
    if (failure !== undefined) throw failure;
    return output;
  }

  async #open(input: unknown, options: RunOptions | undefined): Promise<JournalRun> {
    const store = this.store;
    const plan = this.#plan;
    const owner = this.#owner;
    const resume = options?.resume;
    try {
      if (typeof resume === "string") {
        const known = await store.run(resume);
        if (known === undefined) throw errors.runNotFound(store.location, resume);
        if (known.plan !== plan.name) throw errors.runOfOtherPlan(store.location, resume, known.plan, plan.name);
        await store.claim(resume, owner, plan.hash);
        return new JournalRun(resume, true, store, owner, this.#names);
      }
      const begin = async (id: string): Promise<JournalRun> => {
        await store.begin({
          id,
          plan: plan.name,
          planHash: plan.hash,
          manifest: null,
          input,
          owner,
          startedAt: Date.now(),
        });
        return new JournalRun(id, resume === true, store, owner, this.#names);
      };
      const given = options?.journalId;
      if (given !== undefined) {
        if (!JOURNAL_ID.test(given)) throw errors.badJournalId(given);
        return await begin(given);
      }
      return await beginNew(begin);
    } catch (error) {
      throw journalFailure(store, error);
    }
  }
}

/** How many ids a new run draws before it gives up: each is taken only when another run of the same second drew it. */
const NEW_ID_ATTEMPTS = 8;

/**
 * Begins a run under a new id, drawing another while the one drawn is taken: ids share the
 * second they were drawn in and have four random characters, so a runner making thousands
 * of runs a second draws an id taken already every few seconds.
 */
async function beginNew(begin: (id: string) => Promise<JournalRun>): Promise<JournalRun> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await begin(newJournalId());
    } catch (error) {
      const taken = error instanceof FlowError && error.code === ErrorCode.RunExists;
      if (!taken || attempt >= NEW_ID_ATTEMPTS) throw error;
    }
  }
}

/**
 * A new journal id: when it started (UTC, to the second) and four random characters,
 * `20261206-233112-k3f9`: sorted as started, short enough to type.
 */
export function newJournalId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  // randomInt draws from a cached pool: randomBytes asks the system for each id (about 5 µs, on every run).
  const random = randomInt(RANDOM_IDS).toString(36).padStart(4, "0");
  return `${stamp}-${random}`;
}

/** Four characters of `0-9a-z`, each as likely as the others. */
const RANDOM_IDS = 36 ** 4;
