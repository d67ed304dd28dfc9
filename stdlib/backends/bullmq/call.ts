/**
 * A call as a caller session keeps it: one method in one run, cut into
 * shard jobs, from submission until every shard's result is in (or the run
 * ends), with how many items go in a shard.
 */
import type { JobsOptions } from "bullmq";
import type { CallInfo, CallScope, FlowEvent, MapOptions } from "../../api.js";
import { now } from "../../clock.js";
import { describe, ItemFailure, MethodError } from "../../errors.js";
import type { PlanMethod } from "../../plan.js";
import { itemNumber } from "../../kit/item-numbers.js";
import { type Reply, type ShardJobWire } from "./messages.js";
import { restoreHoles } from "./payload.js";
import { fromWireError } from "./wire-error.js";

/** Shards per lane when the plan leaves the size open: enough that a slow or lost shard costs little. */
const SHARDS_PER_LANE = 16;

/** One shard of a call as submitted. */
export interface Shard {
  /** The position of its first item in the map (its job's `first` is that item's number in the stage). */
  readonly first: number;
  readonly count: number;
  readonly job: {
    readonly name: string;
    readonly data: ShardJobWire;
    readonly opts: JobsOptions;
  };
  /** The worker that last started it, for shard events. */
  worker: string | undefined;
  /** Which of its items have their output in the call's results (from `part` and `done` replies). */
  readonly received: Uint8Array;
  collected: boolean;
}

/** One method of one run, from submission until every shard's result is in (or the run ends). */
export class Call {
  readonly id: string;
  /** Numbers the further calls of its method in its run (see `callId`): 0 for the first. */
  readonly repeat: number;
  readonly method: PlanMethod;
  readonly scope: CallScope;
  readonly single: boolean;
  /** The map's options (`undefined` for a single call). */
  readonly options: MapOptions | undefined;
  /** A map that tolerates failed items (`MapOptions.tolerate`). */
  readonly tolerate: boolean;
  /** What a single call made for another method carries into its context (a fallback's). */
  readonly info: CallInfo | undefined;
  readonly results: unknown[];
  shards: Shard[] = [];
  remaining = 0;
  /** Its jobs are in their queue: from then on the monitor watches its workers and keys. */
  submitted = false;
  settled = false;
  readonly #resolve: (value: unknown) => void;
  readonly #reject: (error: unknown) => void;
  readonly promise: Promise<unknown>;

  constructor(
    id: string,
    repeat: number,
    method: PlanMethod,
    scope: CallScope,
    single: boolean,
    size: number,
    options: MapOptions | undefined,
    info: CallInfo | undefined,
  ) {
    this.id = id;
    this.repeat = repeat;
    this.method = method;
    this.scope = scope;
    this.single = single;
    this.options = options;
    this.tolerate = options?.tolerate === true;
    this.info = info;
    this.results = new Array<unknown>(size);
    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    this.promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** The item at `position` of the map as the stage numbers it (`MapOptions.indices`). */
  numberOf(position: number): number {
    return itemNumber(this.options?.indices, position);
  }

  resolve(): void {
    if (this.settled) return;
    this.settled = true;
    this.#resolve(this.single ? this.results[0] : this.results);
  }

  reject(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.#reject(error);
  }
}

/**
 * Items per shard: the plan's `shardSize` when it sets one, else small enough
 * that every lane gets many shards (so that work stays balanced and a lost
 * shard costs little), and one item per shard for short stages, so that
 * items start in order across lanes as they would in process.
 */
export function shardSizeFor(items: number, lanes: number, planned: number | null, largest: number): number {
  if (planned !== null && Number.isInteger(planned) && planned >= 1) return planned;
  return Math.max(1, Math.min(largest, Math.floor(items / (Math.max(1, lanes) * SHARDS_PER_LANE))));
}

/**
 * Takes the outputs of a `part` or `done` reply into the call's results, and
 * tells the map's `done` of each (what it throws, this throws); returns what
 * is wrong with the reply instead when it does not fit its shard (no genuine
 * worker sends such a reply). An item's first output is kept.
 */
export function receiveOutputs(
  call: Call,
  shard: Shard,
  reply: Extract<Reply, { t: "part" | "done" }>,
): string | undefined {
  const items = reply.items;
  // No items at all: every other item of the shard failed, tolerated, or came in earlier replies.
  if (items !== undefined && (items.at(-1) ?? 0) >= shard.count)
    return `it names items beyond the ${shard.count} of the shard`;
  const expected = items?.length ?? shard.count;
  if (reply.values.length !== expected)
    return `it holds ${reply.values.length} value(s) for ${expected} item(s) of the shard`;
  let values: unknown[];
  try {
    values = restoreHoles(reply.values, reply.holes, expected);
  } catch (error) {
    return describe(error);
  }
  const done = call.options?.done;
  for (let k = 0; k < values.length; k++) {
    const index = items === undefined ? k : (items[k] ?? 0);
    if (shard.received[index] === 1) continue;
    shard.received[index] = 1;
    call.results[shard.first + index] = values[k];
    if (done !== undefined) done(shard.first + index, values[k]);
  }
  return undefined;
}

/**
 * Takes an item that failed for good in a tolerant call (an `ifail` reply)
 * into the call's results as an `ItemFailure`, and returns its error and
 * position in the map; or returns what is wrong with the reply when it does
 * not fit its shard. An item already received is left as it is (`undefined`
 * returned).
 */
export function receiveFailure(
  call: Call,
  shard: Shard,
  reply: Extract<Reply, { t: "ifail" }>,
): { readonly error: MethodError; readonly position: number } | string | undefined {
  if (!call.tolerate) return "its call does not tolerate failed items";
  const index = indexInShard(shard.job.data, shard.count, reply.item);
  if (index === -1) return `item ${reply.item} is not in the shard`;
  if (shard.received[index] === 1) return undefined;
  shard.received[index] = 1;
  const error = new MethodError(call.method.name, reply.item, reply.attempts, fromWireError(reply.error));
  const position = shard.first + index;
  call.results[position] = new ItemFailure(error);
  return { error, position };
}

/** Where the item the stage numbers `item` is in a shard of `count` items, or −1 when it is not there. */
function indexInShard(data: Pick<ShardJobWire, "first" | "items">, count: number, item: number): number {
  const numbers = data.items;
  if (numbers === undefined) {
    const index = item - data.first;
    return index >= 0 && index < count ? index : -1;
  }
  // Ascending: a binary search.
  let low = 0;
  let high = numbers.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const number = numbers[middle] ?? 0;
    if (number === item) return middle;
    if (number < item) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** The `call:fail` event of a call's `failure` (its method's own error is the failure's `cause`). */
export function callFailEvent(call: Call, failure: MethodError): FlowEvent {
  return {
    type: "call:fail",
    runId: call.scope.runId,
    time: now(),
    method: call.method.name,
    item: failure.item,
    attempts: failure.attempts,
    error: failure.cause,
  };
}

/** A `shard:start` or `shard:end` event of a call's shard run by worker `worker`. */
export function shardEvent(
  type: "shard:start" | "shard:end",
  call: Call,
  number: number,
  shard: Shard,
  worker: number,
  ok: boolean,
  durations: readonly number[] | undefined,
): FlowEvent {
  const base = {
    runId: call.scope.runId,
    time: now(),
    method: call.method.name,
    shard: number,
    first: shard.job.data.first,
    count: shard.count,
    worker,
  };
  return type === "shard:start" ? { type, ...base } : { type, ...base, ok, durations };
}
