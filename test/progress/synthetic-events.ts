/**
 * Hand-written event sequences, so that the progress state, its renderers
 * and the trace recorder are tested on exactly the events a backend may
 * emit, with times chosen to make every figure computable by hand.
 */
import type { FlowEvent } from "../../stdlib/api.js";

export const RUN_ID = "book:test:1";

type Base = { readonly runId: string; readonly time: number };
const base = (time: number, runId = RUN_ID): Base => ({ runId, time });

export const runStart = (time: number, runId = RUN_ID): FlowEvent => ({ type: "run:start", ...base(time, runId) });
export const runEnd = (time: number, ok = true, error?: unknown, runId = RUN_ID): FlowEvent => ({
  type: "run:end",
  ...base(time, runId),
  ok,
  error,
});
export const methodStart = (time: number, method: string, items?: number, runId = RUN_ID): FlowEvent => ({
  type: "method:start",
  ...base(time, runId),
  method,
  items,
});
export const methodEnd = (time: number, method: string, ok = true, runId = RUN_ID): FlowEvent => ({
  type: "method:end",
  ...base(time, runId),
  method,
  ok,
});

export interface ShardSpec {
  readonly method: string;
  readonly shard: number;
  readonly worker: number;
  readonly first: number;
  readonly count?: number;
}

export const shardStart = (time: number, spec: ShardSpec): FlowEvent => ({
  type: "shard:start",
  ...base(time),
  method: spec.method,
  shard: spec.shard,
  first: spec.first,
  count: spec.count ?? 1,
  worker: spec.worker,
});
export const shardEnd = (time: number, spec: ShardSpec, ok = true, durations?: readonly number[]): FlowEvent => ({
  type: "shard:end",
  ...base(time),
  method: spec.method,
  shard: spec.shard,
  first: spec.first,
  count: spec.count ?? 1,
  worker: spec.worker,
  ok,
  durations,
});
export const retry = (time: number, method: string, item: number | undefined, attempt = 1): FlowEvent => ({
  type: "call:retry",
  ...base(time),
  method,
  item,
  attempt,
  delayMs: 5,
  error: new Error("flaky"),
});
export const fail = (time: number, method: string, item: number | undefined, attempts = 1): FlowEvent => ({
  type: "call:fail",
  ...base(time),
  method,
  item,
  attempts,
  error: new RangeError("cannot count"),
});
export const workerUp = (time: number, worker: number): FlowEvent => ({
  type: "worker:up",
  ...base(time),
  worker,
  backend: "threads",
});
export const workerDown = (time: number, worker: number, reason: "idle" | "close" | "crash" = "close"): FlowEvent => ({
  type: "worker:down",
  ...base(time),
  worker,
  reason,
});

const split = (shard: number, worker: number, first: number): ShardSpec => ({ method: "split", shard, worker, first });
const count = (shard: number, worker: number, first: number): ShardSpec => ({ method: "count", shard, worker, first });
const merge: ShardSpec = { method: "merge", shard: 0, worker: 1, first: 0 };

/**
 * A book counted in three stages on three workers: `split` (one call, 10 ms),
 * `count` over 4 chapters (10, 20, 30 and 30 ms; item 1 retried once; worker
 * 0 takes chapters 0 then 3), `merge` (one call, 5 ms).
 *
 * count: wall 10 → 50 = 40 ms, busy 90 ms on 3 workers → utilisation 0.75,
 * p50 20 ms, p95 30 ms, calls 4 + 1 retry = 5, 100 items/s.
 */
export const book: readonly FlowEvent[] = [
  runStart(1000),
  workerUp(1000, 0),
  workerUp(1000, 1),
  workerUp(1000, 2),
  methodStart(1000, "split"),
  shardStart(1000, split(0, 0, 0)),
  shardEnd(1010, split(0, 0, 0), true, [10]),
  methodEnd(1010, "split"),
  methodStart(1010, "count", 4),
  shardStart(1010, count(0, 0, 0)),
  shardStart(1010, count(1, 1, 1)),
  shardStart(1010, count(2, 2, 2)),
  shardEnd(1020, count(0, 0, 0), true, [10]),
  shardStart(1020, count(3, 0, 3)),
  retry(1025, "count", 1),
  shardEnd(1030, count(1, 1, 1), true, [20]),
  shardEnd(1040, count(2, 2, 2), true, [30]),
  shardEnd(1050, count(3, 0, 3), true, [30]),
  methodEnd(1050, "count"),
  methodStart(1050, "merge"),
  shardStart(1050, merge),
  shardEnd(1055, merge, true, [5]),
  methodEnd(1055, "merge"),
  runEnd(1055),
];

/** Index just after the retry in {@link book}: chapter 0 done, chapters 1–3 in flight on workers 1, 2 and 0. */
export const bookMidCount = book.findIndex((event) => event.type === "call:retry") + 1;

/**
 * `count` fails on chapter 2 for good after chapter 0 succeeded; the run
 * fails with chapter 1 still in flight on worker 1.
 */
export const failingBook: readonly FlowEvent[] = [
  runStart(0),
  methodStart(0, "count", 3),
  shardStart(0, count(0, 0, 0)),
  shardStart(0, count(1, 1, 1)),
  shardEnd(4, count(0, 0, 0), true, [4]),
  shardStart(4, count(2, 0, 2)),
  fail(6, "count", 2, 1),
  shardEnd(6, count(2, 0, 2), false, undefined),
  methodEnd(6, "count", false),
  runEnd(6, false, new Error("Method 'count' failed on item 2")),
];
