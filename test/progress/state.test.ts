import { describe, expect, it } from "vitest";
import type { FlowEvent } from "../../stdlib/api.js";
import {
  applyEvent,
  createProgressState,
  type PlannedStage,
  type ProgressState,
} from "../../src/cli/progress/state.js";
import { itemsPerSecond, percentile, summarizeStage, workersInUse } from "../../src/cli/progress/stats.js";
import {
  book,
  bookMidCount,
  failingBook,
  methodEnd,
  methodStart,
  reused,
  ROUTED_STAGES,
  routedRun,
  runEnd,
  runStart,
  shardEnd,
  shardStart,
  tolerated,
} from "./synthetic-events.js";

function fold(events: readonly FlowEvent[], stages: readonly PlannedStage[] = []): ProgressState {
  const state = createProgressState(stages);
  for (const event of events) applyEvent(state, event);
  return state;
}

function stage(state: ProgressState, name: string) {
  const found = state.stages.get(name);
  if (found === undefined) throw new Error(`no stage ${name}`);
  return found;
}

describe("percentile (nearest rank)", () => {
  it("picks the smallest value that p% of the values do not exceed", () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i); // 20, 19, …, 1: order must not matter
    expect(percentile(values, 50)).toBe(10);
    expect(percentile(values, 95)).toBe(19);
    expect(percentile(values, 100)).toBe(20);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([10, 20, 30, 30], 50)).toBe(20);
  });

  it("is undefined without values", () => {
    expect(percentile([], 50)).toBeUndefined();
  });
});

const BOOK: readonly PlannedStage[] = [
  { name: "split", mode: "single" },
  { name: "count", mode: "parallel" },
  { name: "merge", mode: "single" },
];

describe("the reducer over a run", () => {
  it("lists the plan's stages as waiting before any event", () => {
    const state = createProgressState(BOOK);
    expect([...state.stages.keys()]).toEqual(["split", "count", "merge"]);
    expect([...state.stages.values()].map((s) => s.status)).toEqual(["waiting", "waiting", "waiting"]);
  });

  it("counts items, retries and workers in use while a parallel stage runs", () => {
    const state = fold(book.slice(0, bookMidCount), BOOK);
    const count = stage(state, "count");
    expect(count.status).toBe("running");
    expect(count.total).toBe(4);
    expect(count.done).toBe(1);
    expect(count.retries).toBe(1);
    expect(workersInUse(count)).toBe(3);
    // 1 item in the 15 ms since the stage started at 1010.
    expect(itemsPerSecond(count, 1025)).toBeCloseTo(1000 / 15, 6);
    expect(stage(state, "split").status).toBe("done");
    expect(stage(state, "merge").status).toBe("waiting");
  });

  it("counts items a resumed run reused as done, and as no calls", () => {
    const spec = { method: "count", shard: 0, first: 8, count: 2, worker: 1 };
    const state = fold([
      runStart(0),
      methodStart(1, "count", 10),
      reused(1, "count", 8, 10),
      shardStart(2, spec),
      shardEnd(6, spec, true, [2, 2]),
      methodEnd(6, "count"),
      runEnd(7),
    ]);
    const summary = summarizeStage(stage(state, "count"));
    expect(summary).toMatchObject({ done: 10, reused: 8, calls: 2, items: 10 });
  });

  it("summarizes each stage when the run is over", () => {
    const state = fold(book, BOOK);
    expect(state.ok).toBe(true);
    expect(state.runEndedAt! - state.runStartedAt!).toBe(55);
    expect(summarizeStage(stage(state, "count"))).toEqual({
      name: "count",
      status: "done",
      items: 4,
      done: 4,
      calls: 5,
      wallMs: 40,
      p50Ms: 20,
      p95Ms: 30,
      retries: 1,
      failures: 0,
      fallbacks: 0,
      reused: 0,
      skipped: undefined,
      toleratedItems: undefined,
      workers: 3,
      utilisation: 0.75,
    });
    expect(itemsPerSecond(stage(state, "count"), 99_999)).toBe(100);
    expect(workersInUse(stage(state, "count"))).toBe(0);
    expect(summarizeStage(stage(state, "split"))).toMatchObject({ items: 1, done: 1, calls: 1, p50Ms: 10, workers: 1 });
    expect(summarizeStage(stage(state, "merge"))).toMatchObject({ wallMs: 5, p95Ms: 5, utilisation: 1 });
  });

  it("counts a failure, keeps the items done, and charges a shard cut short until the stage ends", () => {
    const state = fold(failingBook);
    expect(state.ok).toBe(false);
    // Shards: 0–4 ms on worker 0, 4–6 ms on worker 0 (failed), 0–6 ms on worker 1 (cut short): 12 ms busy of 2 × 6.
    expect(summarizeStage(stage(state, "count"))).toEqual({
      name: "count",
      status: "failed",
      items: 3,
      done: 1,
      calls: 2,
      wallMs: 6,
      p50Ms: 4,
      p95Ms: 4,
      retries: 0,
      failures: 1,
      fallbacks: 0,
      reused: 0,
      skipped: undefined,
      toleratedItems: undefined,
      workers: 2,
      utilisation: 1,
    });
  });

  it("takes the counts from the stage's end when the backend reports no shards", () => {
    const state = fold([
      runStart(0),
      methodStart(0, "a"),
      methodEnd(3, "a"),
      methodStart(3, "b", 6),
      methodEnd(9, "b"),
      runEnd(9),
    ]);
    expect(summarizeStage(stage(state, "a"))).toMatchObject({ items: 1, done: 1, calls: 1, p50Ms: 3, workers: 0 });
    // Six items, but nobody measured a single call: no percentile, no utilisation.
    expect(summarizeStage(stage(state, "b"))).toMatchObject({
      items: 6,
      done: 6,
      calls: 6,
      p50Ms: undefined,
      utilisation: undefined,
    });
  });

  it("times a one-item shard by its wall time when the backend gives no durations", () => {
    const spec = { method: "p", shard: 0, worker: 4, first: 0 };
    const state = fold([
      methodStart(0, "p", 1),
      shardStart(2, spec),
      shardEnd(9, spec, true, undefined),
      methodEnd(9, "p"),
    ]);
    expect(summarizeStage(stage(state, "p"))).toMatchObject({ p50Ms: 7, workers: 1, wallMs: 9 });
    expect(summarizeStage(stage(state, "p")).utilisation).toBeCloseTo(7 / 9, 9);
  });

  it("counts a lost shard's items once, when they succeed elsewhere", () => {
    const lost = { method: "p", shard: 0, worker: 0, first: 0, count: 2 };
    const again = { method: "p", shard: 1, worker: 1, first: 0, count: 2 };
    const state = fold([
      methodStart(0, "p", 2),
      shardStart(0, lost),
      shardEnd(5, lost, false, undefined),
      shardStart(5, again),
      shardEnd(9, again, true, [2, 2]),
    ]);
    expect(stage(state, "p").done).toBe(2);
    expect(stage(state, "p").workers).toEqual(new Set([0, 1]));
  });

  it("never counts more items than the stage has", () => {
    const spec = { method: "p", shard: 0, worker: 0, first: 0, count: 3 };
    const state = fold([methodStart(0, "p", 2), shardStart(0, spec), shardEnd(1, spec, true, [1, 1, 1])]);
    expect(stage(state, "p").done).toBe(2);
  });

  it("learns a streamed parallel stage's total at its end, knowing from the plan that it is parallel", () => {
    const shard = (n: number) => ({ method: "p", shard: n, worker: n % 2, first: n });
    const events = [methodStart(0, "p"), shardStart(0, shard(0)), shardEnd(2, shard(0), true, [2])];
    const state = fold(events, [{ name: "p", mode: "parallel" }]);
    expect(stage(state, "p")).toMatchObject({ parallel: true, total: undefined, done: 1 });
    for (const event of [shardStart(2, shard(1)), shardEnd(3, shard(1), true, [1]), methodEnd(3, "p")]) {
      applyEvent(state, event);
    }
    expect(summarizeStage(stage(state, "p"))).toMatchObject({ items: 2, done: 2, calls: 2, p95Ms: 2 });
    // Without the plan, a stage that announces no item count is a single call.
    expect(fold([methodStart(0, "q")]).stages.get("q")).toMatchObject({ parallel: false, total: 1 });
  });

  it("has no rate before time passes", () => {
    const state = fold([methodStart(5, "p", 2)]);
    expect(itemsPerSecond(stage(state, "p"), 5)).toBeUndefined();
    expect(itemsPerSecond(stage(state, "p"), 6)).toBe(0);
  });
});

describe("the reducer over skips, fallbacks and tolerated items", () => {
  const upTo = (type: FlowEvent["type"], method: string) =>
    routedRun.slice(0, routedRun.findIndex((e) => e.type === type && "method" in e && e.method === method) + 1);

  it("lists no helper as a stage of its own", () => {
    expect([...createProgressState(ROUTED_STAGES).stages.keys()]).toEqual([
      "load",
      "check",
      "parse",
      "notify",
      "score",
      "publish",
    ]);
  });

  it("marks a stage skipped before it started, with its reason and no time of its own", () => {
    const state = fold(upTo("method:skip", "check"), ROUTED_STAGES);
    expect(stage(state, "check")).toMatchObject({
      status: "skipped",
      skip: { reason: "predicate", error: undefined },
      startedAt: undefined,
      endedAt: undefined,
    });
    expect(summarizeStage(stage(state, "check"))).toMatchObject({ skipped: "predicate", items: undefined, calls: 0 });
    expect(stage(state, "parse").status).toBe("waiting");
  });

  it("ends a stage skipped after its call failed where the skip is, its shard charged until then", () => {
    const state = fold(upTo("method:skip", "parse"), ROUTED_STAGES);
    const parse = stage(state, "parse");
    expect(parse).toMatchObject({ status: "skipped", startedAt: 4, endedAt: 6, busyMs: 2, done: 0, failures: 1 });
    expect(parse.skip?.reason).toBe("error");
    expect(parse.skip?.error).toEqual(new RangeError("bad row"));
    expect(parse.open.size).toBe(0);
    expect(summarizeStage(parse)).toMatchObject({ skipped: "error", items: 1, done: 0, calls: 1, wallMs: 2 });
  });

  it("counts the calls a fallback stood in for, and leaves the items it did not rescue undone", () => {
    const state = fold(routedRun, ROUTED_STAGES);
    expect(stage(state, "notify").skip?.reason).toBe("upstream");
    expect(summarizeStage(stage(state, "score"))).toMatchObject({
      status: "done",
      items: 10,
      // Items 7 and 8 failed and were tolerated: 8 of 10 done, 8 calls that succeeded and 3 that failed.
      done: 8,
      calls: 11,
      failures: 3,
      fallbacks: 1,
      toleratedItems: 3,
      skipped: undefined,
    });
    expect(summarizeStage(stage(state, "publish"))).toMatchObject({
      status: "done",
      items: 1,
      done: 1,
      failures: 1,
      fallbacks: 1,
      toleratedItems: undefined,
      skipped: undefined,
    });
    expect(state.ok).toBe(true);
  });

  it("gives a helper's own calls no row: they are counted as the fallbacks of the stage they serve", () => {
    const spec = { method: "backup", shard: 0, worker: 0, first: 0 };
    const events = [
      ...routedRun.slice(0, -1),
      shardStart(18, spec),
      shardEnd(19, spec, true, [1]),
      ...routedRun.slice(-1),
    ];
    const state = fold(events, ROUTED_STAGES);
    expect([...state.stages.keys()]).not.toContain("backup");
    expect(summarizeStage(stage(state, "publish"))).toMatchObject({ fallbacks: 1, failures: 1 });
  });

  it("learns a streamed stage's total from the items it tolerated", () => {
    const spec = { method: "p", shard: 0, worker: 0, first: 0, count: 4 };
    const state = fold(
      [
        methodStart(0, "p"),
        shardStart(0, spec),
        shardEnd(4, spec, true, [1, 1, 1, 1]),
        tolerated(4, "p", { failed: 2, recovered: 0, items: 4 }, [0, 3]),
        methodEnd(4, "p"),
      ],
      [{ name: "p", mode: "parallel" }],
    );
    expect(summarizeStage(stage(state, "p"))).toMatchObject({ items: 4, done: 2, toleratedItems: 2 });
  });
});
