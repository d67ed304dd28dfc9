/**
 * Every message that crosses between the calling thread and the worker
 * threads of the `threads` backend, in one place:
 *
 * - `WorkerStartup`: each worker's `workerData`, fixed for the pool's life;
 * - `WorkerRequest` / `WorkerResponse`: one task through the pool (a probe
 *   that loads the methods, or a shard of items) and its answer;
 * - `AbortMessage`: the calling thread tells every worker, on a broadcast
 *   channel, that a run is over and its calls must stop;
 * - `WorkerMessage`: a worker reports, through its `parentPort`, that a shard
 *   started (`StartedMessage`) and each retry or failure as it happens
 *   (`EventMessage`);
 * - `LoadedMessage`: a worker reports, once, that it has imported the methods.
 *
 * Values are structured-cloned on the way; errors travel as `Encoded` so that
 * their name, code, own fields and cause survive (structured cloning keeps
 * only the message of an error whose class is not a built-in one).
 */
import type { BackoffSettings } from "../../api.js";
import type { PlanMethod } from "../../plan.js";

/** A worker's `workerData`. */
export interface WorkerStartup {
  /** Name of the `BroadcastChannel` that carries `AbortMessage`s. */
  readonly channel: string;
  /** The methods the pool runs; requests name them by index. */
  readonly methods: readonly WorkerMethod[];
  readonly backoff: BackoffSettings;
  /**
   * Shared with the calling thread: before each call, a worker stores the
   * item's index at `progress[slot]` (the slot its shard request names), so
   * that when the thread dies the item it was running is known.
   */
  readonly progress: Int32Array;
  /**
   * Shared too, per slot, for methods with a timeout: the number of the
   * attempt running and when it must be over (`now()` time; 0 while no
   * attempt runs). The calling thread watches these, because a worker's own
   * timer cannot fire while a call spins (see pool-stage.ts).
   */
  readonly attempts: Int32Array;
  readonly deadlines: Float64Array;
}

export interface WorkerMethod {
  readonly method: PlanMethod;
  /** Absolute file URL of the module that exports it. */
  readonly url: string;
  /** Where a thread imports it from: the module compiled to JavaScript (see compiled-methods.ts), or `url`. */
  readonly load: string;
}

export type WorkerRequest = ProbeRequest | ShardRequest;
export type WorkerResponse = ProbeResponse | ShardResponse;

/** Loads every method's module and reports those that cannot be loaded. */
export interface ProbeRequest {
  readonly kind: "probe";
}

export interface ProbeResponse {
  readonly kind: "probe";
  readonly failures: readonly LoadFailure[];
}

export interface LoadFailure {
  readonly method: string;
  readonly url: string;
  readonly error: Encoded;
}

/**
 * Items `first … first + count − 1` of a map (positions in the items it was given), for one
 * worker to run one after the other. Positions are what the two threads keep account in
 * (`progress`, the `item` of answers); what users see names items as the stage does (`numbers`).
 */
export interface ShardRequest {
  readonly kind: "shard";
  /** Unique within the session: names the shard in the `EventMessage`s the worker posts for it. */
  readonly id: number;
  readonly runId: string;
  /** Index into `WorkerStartup.methods`. */
  readonly method: number;
  readonly first: number;
  readonly count: number;
  /** The items as they are, when they could not be packed (see `packed`). */
  readonly items: readonly unknown[] | undefined;
  /** The items written with `v8.serialize` and transferred, which spares a copy. */
  readonly packed: Uint8Array | undefined;
  /** Where in `WorkerStartup.progress` to note the item running; −1: nowhere. */
  readonly slot: number;
  /** The number of the first item's first attempt: above 1 when its earlier attempts ran on a thread since stopped. */
  readonly firstAttempt: number;
  /** Backoff before the first item's first attempt, in milliseconds (a retry decided by the calling thread). */
  readonly delayMs: number;
  /** Whether someone listens: post a `StartedMessage`, and `EventMessage`s for retries and failures. */
  readonly emit: boolean;
  /** Whether to time each call for `shard:end`'s `durations`. */
  readonly measure: boolean;
  /**
   * Whether an item that fails for good leaves the others running: it is reported in the
   * answer's `failures` instead of failing the shard (a map with `MapOptions.tolerate`).
   */
  readonly tolerate: boolean;
  /**
   * The stage's number of each item (`ctx.item`, events, errors), when the map was given
   * `MapOptions.indices`; without it, an item's number is its position.
   */
  readonly numbers: readonly number[] | undefined;
  /** For a lone call made for another method (a fallback's): the item its context names (`ctx.item`). */
  readonly item: number | undefined;
  /** For a fallback's call: the error of the method it stands in for (`ctx.error`). */
  readonly error: Encoded | undefined;
}

export type ShardResponse = ShardDone | ShardFailed | ShardCancelled | ShardUncloneable | ShardNotLoaded;

interface ShardAnswer {
  /** Thread id of the worker that ran it. */
  readonly worker: number;
  /** How many `WorkerMessage`s the worker posted for the shard: the calling thread waits for all of them. */
  readonly events: number;
}

export interface ShardDone extends ShardAnswer {
  readonly kind: "done";
  /** The outputs as they are, when they could not be packed. */
  readonly outputs: readonly unknown[] | undefined;
  /** The outputs written with `v8.serialize` and transferred. */
  readonly packed: Uint8Array | undefined;
  /** Time spent in the calls, for sizing the next shards. */
  readonly elapsedMs: number;
  /** Wall time of each call when `measure` was asked for. */
  readonly durations: readonly number[] | undefined;
  /** In a shard that tolerates them: the items that failed for good (their outputs are `undefined`). */
  readonly failures: readonly ItemFailed[] | undefined;
}

/** An item of a tolerant shard that failed for good. */
export interface ItemFailed {
  /** Its position in the map. */
  readonly item: number;
  readonly attempts: number;
  /** The method's own error. */
  readonly error: Encoded;
}

/** A call failed for good (retries exhausted, or not retryable). */
export interface ShardFailed extends ShardAnswer {
  readonly kind: "failed";
  /** The failed item's position in the map. */
  readonly item: number;
  readonly attempts: number;
  /** The method's own error. */
  readonly error: Encoded;
}

/** The run was aborted before or while the shard ran. */
export interface ShardCancelled extends ShardAnswer {
  readonly kind: "cancelled";
}

/** An output cannot be sent back to the calling thread. */
export interface ShardUncloneable extends ShardAnswer {
  readonly kind: "uncloneable";
  /** The item's position in the map. */
  readonly item: number;
  /** Where in the output, e.g. `outputs[3].callback` (the item as the stage numbers it). */
  readonly path: string;
  /** What is there, e.g. `a function`. */
  readonly what: string;
}

/** The method's module could not be loaded in this worker. */
export interface ShardNotLoaded extends ShardAnswer {
  readonly kind: "not-loaded";
  readonly url: string;
  readonly error: Encoded;
}

/** Calling thread → every worker: stop the calls of `runId`; their signals abort with `reason`. */
export interface AbortMessage {
  readonly kind: "abort";
  readonly runId: string;
  readonly reason: Encoded;
}

export type WorkerMessage = StartedMessage | EventMessage;

/**
 * Worker → calling thread, once, when every method's module is imported (or
 * has failed to be). Piscina counts the threads a pool starts with as ready
 * at once, so the pool waits for this before sending shards: a shard handed
 * to a thread still importing would wait there while loaded threads idle,
 * and the stage would run on fewer threads than its `min_worker_count`.
 */
export interface LoadedMessage {
  readonly kind: "loaded";
  readonly worker: number;
}

/** Everything a worker posts through its `parentPort`. */
export type ThreadMessage = WorkerMessage | LoadedMessage;

/** Worker → calling thread: the shard's first call is about to begin (a shard may wait behind another). */
export interface StartedMessage {
  readonly kind: "started";
  readonly shard: number;
  /** The worker's clock (`now()` of `clock.ts`) when the shard started. */
  readonly time: number;
}

/** Worker → calling thread: a `call:retry` or `call:fail` of a shard's item, as it happens. */
export interface EventMessage {
  readonly kind: "event";
  readonly shard: number;
  readonly event: EncodedCallEvent;
}

export type EncodedCallEvent =
  | {
      readonly type: "call:retry";
      readonly time: number;
      readonly item: number | undefined;
      readonly attempt: number;
      readonly delayMs: number;
      readonly error: Encoded;
    }
  | {
      readonly type: "call:fail";
      readonly time: number;
      readonly item: number | undefined;
      readonly attempts: number;
      readonly error: Encoded;
    };

/** A thrown value on its way to another thread. */
export type Encoded = EncodedError | EncodedValue;

export interface EncodedError {
  readonly kind: "error";
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** Own enumerable fields that could be cloned (`code`, the runtime's `method`, `item`, …). */
  readonly props: Readonly<Record<string, unknown>>;
  /** The error's `cause`, when it has one. */
  readonly cause: Encoded | undefined;
}

/** A thrown value that is not an `Error`: itself when it can be cloned, else its description. */
export interface EncodedValue {
  readonly kind: "value";
  readonly value: unknown;
}
