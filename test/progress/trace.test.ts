import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { FlowEvent } from "../../stdlib/api.js";
import { createRunner, MethodError } from "../../stdlib/index.js";
import { createTraceRecorder, RUN_PID, WORKERS_PID, type TraceEvent, type TraceFile } from "../../stdlib/trace.js";
import { buildPlan } from "../runtime/plans.js";
import {
  book,
  failingBook,
  methodEnd,
  methodStart,
  retry,
  routedRun,
  runEnd,
  runStart,
  shardEnd,
  shardStart,
  skip,
  workerDown,
} from "./synthetic-events.js";

const scratch = mkdtempSync(join(tmpdir(), "flowc-trace-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Records `events` and reads the trace back the way a viewer would: from its JSON text. */
function trace(events: readonly FlowEvent[]): TraceFile {
  const recorder = createTraceRecorder();
  for (const event of events) recorder.onEvent(event);
  return JSON.parse(JSON.stringify(recorder)) as TraceFile;
}

const timed = (file: TraceFile) => file.traceEvents.filter((event) => event.ph !== "M");
const slices = (file: TraceFile, cat: string) => file.traceEvents.filter((e) => e.ph === "X" && e.cat === cat);
const threadNames = (file: TraceFile, pid: number) =>
  file.traceEvents
    .filter((event) => event.ph === "M" && event.name === "thread_name" && event.pid === pid)
    .map((event) => [event.tid, (event.args as { name: string }).name] as const);

/** Every shard of an event sequence, as the worker it ran on. */
function shardWorkers(events: readonly FlowEvent[]): Map<string, number> {
  const workers = new Map<string, number>();
  for (const event of events)
    if (event.type === "shard:start") workers.set(`${event.method}#${event.shard}`, event.worker);
  return workers;
}

describe("trace recorder on a synthetic run", () => {
  const file = trace(book);

  it("is the JSON object form of the Chrome trace format", () => {
    expect(file.displayTimeUnit).toBe("ms");
    expect(Array.isArray(file.traceEvents)).toBe(true);
    for (const event of file.traceEvents) {
      expect(["X", "i", "M"]).toContain(event.ph);
      expect(Number.isInteger(event.ts)).toBe(true);
    }
  });

  it("names one track per worker seen, and the run's track", () => {
    expect(threadNames(file, WORKERS_PID)).toEqual([
      [0, "worker 0"],
      [1, "worker 1"],
      [2, "worker 2"],
    ]);
    expect(threadNames(file, RUN_PID)).toEqual([[0, "run"]]);
  });

  it("puts every shard's slice on its worker's track, named by method, with its items and outcome", () => {
    const expected = shardWorkers(book);
    const shards = slices(file, "shard");
    expect(shards).toHaveLength(expected.size);
    for (const slice of shards) {
      const args = slice.args as { shard: number; first: number; items: number; ok: boolean };
      expect(slice.pid).toBe(WORKERS_PID);
      expect(slice.tid).toBe(expected.get(`${slice.name}#${args.shard}`));
      expect(args.ok).toBe(true);
      expect(args.items).toBe(1);
    }
    // Worker 0 ran chapter 3 of `count` from 20 ms to 50 ms after the run started.
    expect(shards.find((s) => s.name === "count" && (s.args as { first: number }).first === 3)).toMatchObject({
      tid: 0,
      ts: 20_000,
      dur: 30_000,
    });
  });

  it("has microsecond timestamps from the run's start, in order", () => {
    const times = timed(file).map((event) => event.ts);
    expect(times[0]).toBe(0);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!);
    expect(slices(file, "run")).toEqual([
      {
        name: "run",
        cat: "run",
        ph: "X",
        ts: 0,
        dur: 55_000,
        pid: RUN_PID,
        tid: 0,
        args: { runId: book[0]!.runId, ok: true },
      },
    ]);
  });

  it("nests the stages in the run's slice on the run track", () => {
    expect(slices(file, "stage").map((s) => [s.name, s.tid, s.ts, s.dur])).toEqual([
      ["split", 0, 0, 10_000],
      ["count", 0, 10_000, 40_000],
      ["merge", 0, 50_000, 5_000],
    ]);
  });

  it("marks a retry on the track of the worker running the item", () => {
    const retries = timed(file).filter((event) => event.cat === "retry");
    expect(retries).toEqual([
      expect.objectContaining({ name: "retry count", ph: "i", s: "t", ts: 25_000, pid: WORKERS_PID, tid: 1 }),
    ]);
    expect(retries[0]?.args).toMatchObject({ item: 1, attempt: 1, error: "Error: flaky" });
  });
});

describe("trace recorder on runs that go wrong or overlap", () => {
  it("records a failure, and closes a shard cut short at the run's end as unfinished", () => {
    const file = trace(failingBook);
    expect(timed(file).find((e) => e.cat === "fail")).toMatchObject({ name: "fail count", tid: 0, ts: 6_000 });
    const cut = slices(file, "shard").find((s) => s.tid === 1);
    expect(cut).toMatchObject({ ts: 0, dur: 6_000, args: { ok: false, unfinished: true } });
    expect(slices(file, "run")[0]?.args).toMatchObject({ ok: false, error: "Error: Method 'count' failed on item 2" });
  });

  it("spills stages that overlap onto a second run track, so that every track nests", () => {
    const file = trace([
      runStart(0),
      methodStart(0, "b"),
      methodStart(2, "c"),
      methodEnd(5, "b"),
      methodEnd(9, "c"),
      runEnd(9),
    ]);
    expect(threadNames(file, RUN_PID)).toEqual([
      [0, "run"],
      [1, "run (2)"],
    ]);
    expect(slices(file, "stage").map((s) => [s.name, s.tid])).toEqual([
      ["b", 0],
      ["c", 1],
    ]);
    expectNested(file);
  });

  it("puts a retry seen outside any shard on its stage's track, and a crash on its worker's", () => {
    const file = trace([
      runStart(0),
      methodStart(0, "b"),
      methodStart(1, "c"),
      retry(2, "c", undefined),
      workerDown(3, 7, "crash"),
      methodEnd(4, "c"),
      methodEnd(4, "b"),
      runEnd(4),
    ]);
    expect(timed(file).find((e) => e.cat === "retry")).toMatchObject({ pid: RUN_PID, tid: 1 });
    expect(timed(file).find((e) => e.cat === "worker")).toMatchObject({
      name: "worker down (crash)",
      pid: WORKERS_PID,
      tid: 7,
    });
    expect(threadNames(file, WORKERS_PID)).toEqual([[7, "worker 7"]]);
  });

  it("keeps a shard whose start was never seen", () => {
    const spec = { method: "p", shard: 3, worker: 2, first: 6, count: 2 };
    const file = trace([runStart(10), shardEnd(14, spec, true, [1, 2])]);
    expect(slices(file, "shard")).toEqual([
      expect.objectContaining({
        name: "p",
        tid: 2,
        ts: 4_000,
        dur: 0,
        args: { shard: 3, first: 6, items: 2, ok: true },
      }),
    ]);
  });

  it("is a valid empty trace before any event", () => {
    const file = trace([]);
    expect(timed(file)).toEqual([]);
    expect(threadNames(file, RUN_PID)).toEqual([[0, "run"]]);
  });

  it("nests every track of a run with many concurrent stages and shards", () => {
    const events: FlowEvent[] = [runStart(0)];
    for (let i = 0; i < 6; i++) events.push(methodStart(i, `m${i}`, 2));
    for (let i = 0; i < 6; i++) {
      const spec = { method: `m${i}`, shard: 0, worker: i, first: 0, count: 2 };
      events.push(shardStart(i, spec), shardEnd(10 + i, spec, true, [1, 1]), methodEnd(10 + i, `m${i}`));
    }
    events.push(runEnd(20));
    const file = trace(events);
    expect(threadNames(file, WORKERS_PID)).toHaveLength(6);
    expectNested(file);
  });
});

describe("trace recorder on a run that skips and falls back", () => {
  const file = trace(routedRun);
  const marks = (cat: string) => timed(file).filter((event) => event.cat === cat);

  it("marks a skip on its method's track: the stage's row when it had started, the run's otherwise", () => {
    expect(marks("skip")).toEqual([
      {
        name: "skip check (predicate)",
        cat: "skip",
        ph: "i",
        s: "t",
        ts: 4_000,
        pid: RUN_PID,
        tid: 0,
        args: { reason: "predicate" },
      },
      {
        name: "skip parse (error)",
        cat: "skip",
        ph: "i",
        s: "t",
        ts: 6_000,
        pid: RUN_PID,
        tid: 0,
        args: { reason: "error", error: "RangeError: bad row" },
      },
      {
        name: "skip notify (upstream)",
        cat: "skip",
        ph: "i",
        s: "t",
        ts: 6_000,
        pid: RUN_PID,
        tid: 0,
        args: { reason: "upstream" },
      },
    ]);
  });

  it("ends the slice of a stage skipped after its call failed where the skip is", () => {
    expect(slices(file, "stage").map((s) => [s.name, s.ts, s.dur, s.args])).toEqual([
      ["load", 0, 4_000, { ok: true }],
      ["parse", 4_000, 2_000, { ok: false, skipped: "error" }],
      ["score", 6_000, 10_000, { items: 10, ok: true }],
      ["publish", 16_000, 4_000, { ok: true }],
    ]);
    expectNested(file);
  });

  it("puts the skip of a stage on a second row on that row", () => {
    const spilled = trace([
      runStart(0),
      methodStart(0, "b"),
      methodStart(2, "c"),
      methodEnd(5, "b"),
      skip(9, "c", "error", new Error("late")),
      runEnd(9),
    ]);
    expect(slices(spilled, "stage").map((s) => [s.name, s.tid, s.dur])).toEqual([
      ["b", 0, 5_000],
      ["c", 1, 7_000],
    ]);
    expect(timed(spilled).find((e) => e.cat === "skip")).toMatchObject({ pid: RUN_PID, tid: 1, ts: 9_000 });
  });

  it("marks a fallback on the worker running the item, or the stage's row when no shard holds it", () => {
    expect(marks("fallback")).toEqual([
      expect.objectContaining({ name: "fallback score → rescue", ts: 8_000, pid: WORKERS_PID, tid: 0 }),
      expect.objectContaining({ name: "fallback publish → backup", ts: 18_000, pid: RUN_PID, tid: 0 }),
    ]);
    expect(marks("fallback").map((mark) => mark.args)).toEqual([
      { fallback: "rescue", item: 2, error: "RangeError: cannot count" },
      { fallback: "backup", error: "RangeError: cannot count" },
    ]);
  });

  it("marks the failed items a stage tolerated on the stage", () => {
    expect(marks("tolerated")).toEqual([
      {
        name: "tolerated score",
        cat: "tolerated",
        ph: "i",
        s: "t",
        ts: 16_000,
        pid: RUN_PID,
        tid: 0,
        args: { failed: 3, recovered: 1, items: 10, indices: [2, 7, 8] },
      },
    ]);
  });
});

/** On every track, two slices either nest or do not overlap: what viewers need to draw them. */
function expectNested(file: TraceFile): void {
  const byTrack = new Map<string, TraceEvent[]>();
  for (const slice of file.traceEvents.filter((e) => e.ph === "X")) {
    const key = `${slice.pid}/${slice.tid}`;
    byTrack.set(key, [...(byTrack.get(key) ?? []), slice]);
  }
  for (const track of byTrack.values()) {
    for (const a of track) {
      for (const b of track) {
        if (a === b) continue;
        const [aEnd, bEnd] = [a.ts + (a.dur ?? 0), b.ts + (b.dur ?? 0)];
        const apart = aEnd <= b.ts || bEnd <= a.ts;
        const nested = (a.ts <= b.ts && bEnd <= aEnd) || (b.ts <= a.ts && aEnd <= bEnd);
        expect(apart || nested, `${a.name} and ${b.name} on ${a.pid}/${a.tid}`).toBe(true);
      }
    }
  }
}

describe("the run option `trace`", () => {
  const plan = buildPlan({ range: {}, invert: { mode: "parallel", minWorkers: 2 } }, [["range", "invert"]]);
  const methods = {
    range: (n: number) => Array.from({ length: n }, (_, i) => i),
    invert: (x: number) => {
      if (x === 2) throw new RangeError(`cannot invert ${x}`);
      return 1 / (x + 1);
    },
  };

  it("writes the trace when the run succeeds, and still calls the run's own listener", async () => {
    const path = join(scratch, "ok.json");
    const seen: string[] = [];
    const runner = createRunner<number, number[]>(plan, methods);
    const output = await runner.run(2, { trace: path, onEvent: (event) => seen.push(event.type) });
    await runner.close();
    expect(output).toEqual([1, 0.5]);
    const file = JSON.parse(readFileSync(path, "utf8")) as TraceFile;
    // Both stages can start within one clock tick, where the longer slice is listed first; compare times, not order.
    const stages = new Map(slices(file, "stage").map((s) => [s.name, s] as const));
    expect([...stages.keys()].sort()).toEqual(["invert", "range"]);
    expect(stages.get("range")?.ts).toBeLessThanOrEqual(stages.get("invert")?.ts ?? -1);
    expect(slices(file, "run")[0]?.args).toMatchObject({ ok: true });
    expect(seen[0]).toBe("run:start");
    expect(seen.at(-1)).toBe("run:end");
  });

  it("writes the trace when the run fails, and rejects with the run's error", async () => {
    const path = join(scratch, "failed.json");
    const runner = createRunner<number, number[]>(plan, methods);
    const failure = await runner.run(4, { trace: path }).catch((error: unknown) => error);
    await runner.close();
    expect(failure).toBeInstanceOf(MethodError);
    const file = JSON.parse(readFileSync(path, "utf8")) as TraceFile;
    expect(slices(file, "stage").find((s) => s.name === "invert")?.args).toMatchObject({ items: 4, ok: false });
    expect(timed(file).some((e) => e.name === "fail invert")).toBe(true);
  });

  it("rejects a successful run whose trace cannot be written", async () => {
    const runner = createRunner<number, number[]>(plan, methods);
    const failure = await runner
      .run(1, { trace: join(scratch, "missing", "dir", "t.json") })
      .catch((error: unknown) => error);
    await runner.close();
    expect((failure as NodeJS.ErrnoException).code).toBe("ENOENT");
  });
});
