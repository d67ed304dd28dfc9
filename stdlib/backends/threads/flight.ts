/**
 * A shard of a parallel stage in flight on the pool (see pool-stage.ts):
 * the items it carries, and what is known of it from when it is sent until
 * its answer arrives or its thread dies.
 */
import type { ShardResponse, WorkerMessage } from "./messages.js";
import type { WatchedShard } from "./deadline-watch.js";
import type { NotedAttempt, ShardTicket } from "./pool.js";
import type { PoolStage } from "./pool-stage.js";

/** Consecutive items on their way to a thread. */
export interface Part {
  readonly first: number;
  readonly items: readonly unknown[];
  /** Threads that died under this very part before its first call started (items unknown). */
  readonly crashes: number;
  /** For the part's first item: the number of its next attempt, and the backoff before it (see `#overran`). */
  readonly attempt?: number;
  readonly delayMs?: number;
}

/** One shard, from when it is sent until its answer arrives or its thread dies. */
export class Flight implements ShardTicket, WatchedShard {
  readonly id: number;
  readonly stage: PoolStage;
  readonly lanes: number;
  readonly shard: number;
  readonly part: Part;
  readonly slot: number;
  worker: number | undefined;
  /** Queued on its thread behind another shard of the stage, rather than run at once. */
  waiting = false;
  /** Whether `shard:start` was reported (so `shard:end` is owed). */
  started = false;
  /** Stopped on purpose (its thread terminated): its rejection is not a crash. */
  abandoned = false;
  /** The attempt its thread was terminated for overrunning. */
  overran: NotedAttempt | undefined;
  eventsSeen = 0;
  /** An answer waiting for the messages the worker posted before it. */
  pending: ShardResponse | undefined;

  constructor(stage: PoolStage, lanes: number, id: number, shard: number, part: Part, slot: number) {
    this.stage = stage;
    this.lanes = lanes;
    this.id = id;
    this.shard = shard;
    this.part = part;
    this.slot = slot;
  }

  assigned(worker: number, waiting: boolean): void {
    this.worker = worker;
    this.waiting = waiting;
  }

  message(message: WorkerMessage): void {
    this.eventsSeen++;
    this.stage.message(this, message);
    const pending = this.pending;
    if (pending !== undefined && this.eventsSeen >= pending.events) {
      this.pending = undefined;
      this.stage.answered(this, pending);
    }
  }

  answer(response: ShardResponse): void {
    // Messages and answers travel on different ports: keep the answer until the messages it follows are in.
    if (response.events > this.eventsSeen && !this.stage.stopped) {
      this.pending = response;
      return;
    }
    this.stage.answered(this, response);
  }
}
