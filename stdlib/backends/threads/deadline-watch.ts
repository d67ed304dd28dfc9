/**
 * Timeouts of calls that never yield, seen from the calling thread. A
 * worker's own timer cannot fire while a call spins, so a stage whose method
 * has a timeout checks, every so often, the deadline of each attempt its
 * shards' threads noted in shared memory (see `WorkerStartup.deadlines`). A
 * thread still in an attempt a grace period past its deadline is terminated;
 * its shard's rejection then reaches the stage with the attempt it overran.
 */
import { now } from "../../clock.js";
import type { NotedAttempt, Pool } from "./pool.js";

/** What the watch needs of a shard in flight. */
export interface WatchedShard {
  readonly worker: number | undefined;
  readonly slot: number;
  readonly part: { readonly first: number; readonly items: readonly unknown[] };
  /** Stopped on purpose for another reason: not watched. */
  readonly abandoned: boolean;
  /** Set here: the attempt its thread was terminated for overrunning. */
  overran: NotedAttempt | undefined;
}

export class DeadlineWatch {
  readonly #pool: Pool;
  readonly #graceMs: number;
  readonly #every: number;
  readonly #shards: () => Iterable<WatchedShard>;
  #timer: NodeJS.Timeout | undefined;

  constructor(pool: Pool, timeoutMs: number, graceMs: number, shards: () => Iterable<WatchedShard>) {
    this.#pool = pool;
    this.#graceMs = graceMs;
    // Often enough that an overrun is caught soon after its grace, rarely enough to cost nothing.
    this.#every = Math.min(250, Math.max(10, Math.floor((timeoutMs + graceMs) / 4)));
    this.#shards = shards;
  }

  /** Starts checking (again); does nothing while it checks already. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#check(), this.#every);
    // Shards in flight keep the process alive (see `Pool`); the watch need not.
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Terminates the threads whose attempt is still running a grace period past its deadline. */
  #check(): void {
    const time = now();
    for (const shard of this.#shards()) {
      if (shard.worker === undefined || shard.overran !== undefined || shard.abandoned) continue;
      const noted = this.#pool.attemptOf(shard.slot);
      if (noted === undefined || time <= noted.deadline + this.#graceMs) continue;
      const { first, items } = shard.part;
      // The slot is this shard's while it is in flight; an item outside it would be a stale note.
      if (noted.item < first || noted.item >= first + items.length) continue;
      shard.overran = noted;
      this.#pool.terminate(shard.worker);
    }
  }
}
