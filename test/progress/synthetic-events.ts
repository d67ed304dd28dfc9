/**
 * Hand-written event sequences, so that the progress state, its renderers
 * and the trace recorder are tested on exactly the events a backend may
 * emit, with times chosen to make every figure computable by hand.
 */
import type { FlowEvent, SkipReason } from "../../stdlib/api.js";

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
export const skip = (time: number, method: string, reason: SkipReason, error?: unknown): FlowEvent => ({
  type: "method:skip",
  ...base(time),
  method,
  reason,
  error,
});
export const fallback = (time: number, method: string, to: string, item: number | undefined): FlowEvent => ({
  type: "call:fallback",
  ...base(time),
  method,
  fallback: to,
  item,
  error: new RangeError("cannot count"),
});
export const tolerated = (
  time: number,
  method: string,
  counts: { readonly failed: number; readonly recovered: number; readonly items: number },
  indices: readonly number[],
): FlowEvent => ({ type: "items:tolerated", ...base(time), method, ...counts, indices });
export const reused = (time: number, method: string, count: number, calls: number): FlowEvent => ({
  type: "calls:reused",
  ...base(time),
  method,
  reused: count,
  calls,
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

const one = (method: string, worker = 0): ShardSpec => ({ method, shard: 0, worker, first: 0 });
const half = (shard: number): ShardSpec => ({ method: "score", shard, worker: shard, first: shard * 5, count: 5 });

/** The stages of {@link routedRun}: the plan's methods, its two helpers included. */
export const ROUTED_STAGES = [
  { name: "load", mode: "single" },
  { name: "check", mode: "single" },
  { name: "parse", mode: "single" },
  { name: "notify", mode: "single" },
  { name: "score", mode: "parallel" },
  { name: "publish", mode: "single" },
  { name: "rescue", mode: "single", helper: true },
  { name: "backup", mode: "single", helper: true },
] as const;

/**
 * A run that skips and falls back: `load` (4 ms); `check` skipped by its predicate; `parse`
 * fails (2 ms) and is skipped for it (`on_error: skip`); `notify` skipped because `parse`
 * was; `score` over 10 items in two shards of 5 (6 → 16 ms), items 2, 7 and 8 fail, a
 * fallback (`rescue`) stands in for item 2, the other two are tolerated; `publish` fails
 * and its fallback (`backup`) stands in for it (16 → 20 ms).
 */
export const routedRun: readonly FlowEvent[] = [
  runStart(0),
  methodStart(0, "load"),
  shardStart(0, one("load")),
  shardEnd(4, one("load"), true, [4]),
  methodEnd(4, "load"),
  skip(4, "check", "predicate"),
  methodStart(4, "parse"),
  shardStart(4, one("parse")),
  fail(6, "parse", undefined),
  shardEnd(6, one("parse"), false, undefined),
  skip(6, "parse", "error", new RangeError("bad row")),
  skip(6, "notify", "upstream"),
  methodStart(6, "score", 10),
  shardStart(6, half(0)),
  shardStart(6, half(1)),
  fail(8, "score", 2),
  fallback(8, "score", "rescue", 2),
  fail(9, "score", 7),
  fail(9, "score", 8),
  shardEnd(16, half(0), true, [2, 2, 2, 2, 2]),
  shardEnd(16, half(1), true, [2, 2, 2]),
  tolerated(16, "score", { failed: 3, recovered: 1, items: 10 }, [2, 7, 8]),
  methodEnd(16, "score"),
  methodStart(16, "publish"),
  shardStart(16, one("publish")),
  fail(18, "publish", undefined),
  shardEnd(18, one("publish"), false, undefined),
  fallback(18, "publish", "backup", undefined),
  methodEnd(20, "publish"),
  runEnd(20),
];
