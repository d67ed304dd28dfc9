/**
 * The messages that cross Redis between a caller and its workers: the data
 * of a shard job and the replies workers stream back, with how each is read
 * back field by field. What a value inside them must be is ./payload.ts; how
 * errors travel in them is ./wire-error.ts.
 */
import { errors } from "../../errors.js";
import { checkPayload, decodeJson, MAX_DEPTH, type Hole } from "./payload.js";
import { isWireError } from "./wire-error.js";

/**
 * Format of job data and replies; a worker refuses any other. 3: a shard's items may be
 * numbered apart from their positions (`items`), which a worker of format 2 would ignore.
 */
export const WIRE_VERSION = 3;

/**
 * The data of one shard job as it travels: a run's call of one method on
 * consecutive items of a map. Kept small, since every job carries it through Redis
 * twice: what a worker can tell by itself (the method, from the queue; the
 * call, from the run and the method) is left out.
 */
export interface ShardJobWire {
  readonly v: typeof WIRE_VERSION;
  /** The run's id, as the scheduler names it (for cancellation, and the call's id). */
  readonly run: string;
  /** The caller session whose reply stream gets the results: `<caller's process token>.<n>`. */
  readonly session: string;
  readonly shard: number;
  /**
   * A random token of this shard's job, which every reply about the shard
   * carries back: the caller takes no reply without it, so a client that can
   * write to the reply stream, but has not read the job, cannot answer for it.
   */
  readonly token: string;
  /**
   * The stage's number of the shard's first item (its `ctx.item`); 0 for a single call. The
   * others follow it (`first + 1`, …) unless `items` numbers them.
   */
  readonly first: number;
  /**
   * The stage's number of each item, when they do not follow `first` one by one (a map
   * given only some of a stage's items: `MapOptions.indices`); absent otherwise. Ascending,
   * one per input, the first equal to `first`.
   */
  readonly items?: readonly number[] | undefined;
  /** A single call (its context has no item) rather than items of a parallel stage. */
  readonly single: boolean;
  /** The inputs, one per item (for a single call, one or none, when the method takes no input). */
  readonly input: readonly unknown[];
  /** Where the inputs hold `undefined`, which JSON cannot (see `Hole`); absent when they do not. */
  readonly holes?: readonly Hole[] | undefined;
  /** Whether anybody listens: only then do workers send start and retry replies. */
  readonly events: boolean;
  /** The caller's retry delays; absent when the method has no retries. */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number } | undefined;
  /**
   * Items (indices within the shard) whose outputs an earlier attempt already
   * sent to the caller in a `part` reply; written by the worker before a retry.
   * Only indices travel, never values: a worker returns nothing but what its
   * own calls produced, so a job altered in Redis cannot put values in its mouth.
   */
  readonly delivered?: readonly number[] | undefined;
  /**
   * An item that fails for good does not fail the job: it is reported in an `ifail` reply and
   * the others go on (a map with `MapOptions.tolerate`). Absent otherwise.
   */
  readonly tolerate?: true | undefined;
  /** For a single call made for an item of another method (a fallback's): that item (`ctx.item`). */
  readonly item?: number | undefined;
  /** For a fallback's call: the error of the method it stands in for (`ctx.error`). */
  readonly error?: WireError | undefined;
  /** Numbers the further calls of the method in the run (a helper's, called more than once); absent for the first. */
  readonly repeat?: number | undefined;
}

/** A shard job as a worker reads it: the wire data with what the worker knows filled in. */
export interface ShardJobData extends ShardJobWire {
  readonly holes: readonly Hole[];
  readonly backoff: { readonly baseMs: number; readonly maxMs: number };
  /** Id of the call (one method in one run); the call's Redis key is derived from it. */
  readonly call: string;
}

/** An error as JSON: enough to rebuild it with its name, message, code and own data. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string | undefined;
  readonly stack?: string | undefined;
  /** Own enumerable properties that are plain JSON (e.g. `status`, `method`). */
  readonly props?: Readonly<Record<string, unknown>> | undefined;
  readonly cause?: WireError | undefined;
}

/** What a worker streams back to the caller that submitted a job. */
export type Reply =
  | {
      readonly t: "start";
      readonly call: string;
      readonly shard: number;
      readonly token: string;
      readonly worker: string;
    }
  | {
      readonly t: "retry";
      readonly call: string;
      readonly shard: number;
      readonly token: string;
      /** The item's number in the stage; `null` for a single call. */
      readonly item: number | null;
      readonly attempt: number;
      readonly delayMs: number;
      readonly error: WireError;
    }
  | {
      /** Outputs of the items an attempt completed before it failed (or was handed back): the rest follow later. */
      readonly t: "part";
      readonly call: string;
      readonly shard: number;
      readonly token: string;
      readonly worker: string;
      /** Indices within the shard, ascending, one per value. */
      readonly items: readonly number[];
      readonly values: readonly unknown[];
      readonly holes: readonly number[];
    }
  | {
      readonly t: "done";
      readonly call: string;
      readonly shard: number;
      readonly token: string;
      readonly worker: string;
      /** Indices within the shard of the values, when not every item (some came in `part` replies). */
      readonly items?: readonly number[] | undefined;
      /** The outputs, in item order. */
      readonly values: readonly unknown[];
      readonly holes: readonly number[];
      /** Milliseconds per item, in item order; only when somebody listens. */
      readonly durations: readonly number[] | null;
    }
  | {
      /** An item of a tolerant job failed for good; the job goes on with the others. */
      readonly t: "ifail";
      readonly call: string;
      readonly shard: number;
      readonly token: string;
      readonly worker: string;
      /** The item's number in the stage. */
      readonly item: number;
      readonly attempts: number;
      readonly error: WireError;
    }
  | {
      readonly t: "fail";
      readonly call: string;
      readonly shard: number;
      readonly token: string;
      readonly worker: string;
      /** The item's number in the stage; `null` for a single call, or a shard that failed as a whole. */
      readonly item: number | null;
      readonly attempts: number;
      readonly error: WireError;
    };

/** What a shard's token looks like (callers make them with `randomUUID`). */
export const TOKEN_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

/** Retry delays of a job that carries none (its method has no retries, so they are never used). */
const NO_BACKOFF = { baseMs: 0, maxMs: 0 };

/**
 * Job data as BullMQ hands it over, checked field by field (a worker runs
 * nothing from a job that fails here), with the call id `callOf` gives for
 * its run.
 */
export function readJobData(data: unknown, callOf: (run: string, repeat: number) => string): ShardJobData {
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw errors.badPayload("job data is not an object");
  // The inputs sit two levels down (data, its input array): each may nest MAX_DEPTH levels itself.
  checkPayload(data, MAX_DEPTH + 2);
  const d = data as Record<string, unknown>;
  if (d["v"] !== WIRE_VERSION)
    throw errors.badPayload(`job data has format ${String(d["v"])}, expected ${WIRE_VERSION}`);
  const text = (key: string): string => {
    const value = d[key];
    if (typeof value !== "string") throw errors.badPayload(`job data lacks the string '${key}'`);
    return value;
  };
  const count = (key: string): number => {
    const value = d[key];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
      throw errors.badPayload(`job data lacks the non-negative integer '${key}'`);
    }
    return value;
  };
  const flag = (key: string): boolean => {
    const value = d[key];
    if (typeof value !== "boolean") throw errors.badPayload(`job data lacks the boolean '${key}'`);
    return value;
  };
  const list = (key: string, absent?: unknown[]): unknown[] => {
    const value = d[key] ?? absent;
    if (!Array.isArray(value)) throw errors.badPayload(`job data lacks the array '${key}'`);
    return value;
  };
  let backoff = NO_BACKOFF;
  if (d["backoff"] !== undefined) {
    const b = d["backoff"] as Record<string, unknown> | null;
    const baseMs = b?.["baseMs"];
    const maxMs = b?.["maxMs"];
    if (
      typeof baseMs !== "number" ||
      typeof maxMs !== "number" ||
      !(baseMs >= 0) ||
      !(maxMs >= baseMs) ||
      maxMs > 3_600_000
    ) {
      throw errors.badPayload("job data has no valid 'backoff'");
    }
    backoff = { baseMs, maxMs };
  }
  const delivered = d["delivered"];
  if (delivered !== undefined && !isIndexList(delivered))
    throw errors.badPayload("job data has a malformed 'delivered' (indices of items, ascending)");
  const tolerate = d["tolerate"];
  if (tolerate !== undefined && tolerate !== true) throw errors.badPayload("job data has a malformed 'tolerate'");
  const item = d["item"];
  if (item !== undefined && (typeof item !== "number" || !Number.isSafeInteger(item) || item < 0)) {
    throw errors.badPayload("job data has a malformed 'item'");
  }
  const error = d["error"];
  if (error !== undefined && !isWireError(error)) throw errors.badPayload("job data has a malformed 'error'");
  const repeat = d["repeat"] ?? 0;
  if (typeof repeat !== "number" || !Number.isSafeInteger(repeat) || repeat < 0) {
    throw errors.badPayload("job data has a malformed 'repeat'");
  }
  const run = text("run");
  const session = text("session");
  const token = text("token");
  if (!TOKEN_PATTERN.test(token)) throw errors.badPayload("job data has a malformed 'token'");
  const shard = count("shard");
  const first = count("first");
  const single = flag("single");
  const input = list("input");
  const items = d["items"];
  if (items !== undefined && (single || !isIndexList(items) || items.length !== input.length || items[0] !== first)) {
    throw errors.badPayload(
      "job data has a malformed 'items' (the stage's numbers of a shard's items: ascending, one per input, from 'first')",
    );
  }
  return {
    v: WIRE_VERSION,
    run,
    session,
    shard,
    token,
    first,
    ...(items === undefined ? {} : { items }),
    single,
    input,
    holes: list("holes", []) as Hole[],
    events: flag("events"),
    backoff,
    delivered,
    ...(tolerate === undefined ? {} : { tolerate }),
    ...(item === undefined ? {} : { item }),
    ...(error === undefined ? {} : { error }),
    ...(repeat === 0 ? {} : { repeat }),
    call: callOf(run, repeat),
  };
}

/** A reply read from the stream, checked enough to be dispatched; `undefined` when malformed. */
export function readReply(text: string): Reply | undefined {
  let value: unknown;
  try {
    value = decodeJson(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const r = value as Record<string, unknown>;
  if (typeof r["call"] !== "string" || typeof r["shard"] !== "number" || typeof r["token"] !== "string")
    return undefined;
  switch (r["t"]) {
    case "start":
      return typeof r["worker"] === "string" ? (value as Reply) : undefined;
    case "retry":
      return typeof r["attempt"] === "number" && typeof r["delayMs"] === "number" && isWireError(r["error"])
        ? (value as Reply)
        : undefined;
    case "part":
      return typeof r["worker"] === "string" &&
        isIndexList(r["items"]) &&
        Array.isArray(r["values"]) &&
        Array.isArray(r["holes"])
        ? (value as Reply)
        : undefined;
    case "done":
      return typeof r["worker"] === "string" &&
        (r["items"] === undefined || isIndexList(r["items"])) &&
        Array.isArray(r["values"]) &&
        Array.isArray(r["holes"])
        ? (value as Reply)
        : undefined;
    case "fail":
      return typeof r["attempts"] === "number" && isWireError(r["error"]) ? (value as Reply) : undefined;
    case "ifail":
      return typeof r["worker"] === "string" &&
        typeof r["item"] === "number" &&
        Number.isSafeInteger(r["item"]) &&
        typeof r["attempts"] === "number" &&
        isWireError(r["error"])
        ? (value as Reply)
        : undefined;
    default:
      return undefined;
  }
}

/** The stage's number of the item at `index` within a shard (see `ShardJobWire.items`). */
export function shardItem(data: Pick<ShardJobWire, "first" | "items">, index: number): number {
  return data.items?.[index] ?? data.first + index;
}

/** Words for a shard's `count` items as the stage numbers them: `item 7`, `items 7–12`. */
export function shardItems(data: Pick<ShardJobWire, "first" | "items">, count: number): string {
  return count === 1 ? `item ${data.first}` : `items ${data.first}–${shardItem(data, count - 1)}`;
}

/** Whether `value` is a list of distinct non-negative integers in ascending order. */
export function isIndexList(value: unknown): value is readonly number[] {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const index: unknown = value[i];
    if (typeof index !== "number" || !Number.isSafeInteger(index) || index < 0) return false;
    if (i > 0 && index <= (value[i - 1] as number)) return false;
  }
  return true;
}
