/**
 * The pool behind the threads backend: as many threads as the plan needs at
 * once from the start, more while shards wait, fewer after idling; retries,
 * timeouts and cancellation happen inside the threads.
 */
import { describe, expect, it } from "vitest";
import { CancelledError, ErrorCode, type FlowEvent } from "../../stdlib/index.js";
import { loadedThreads as slowLoad_loadedThreads } from "../fixtures/threads/slow-load.methods.js";
import * as methods from "../fixtures/threads/threads.methods.js";
import { shared } from "../fixtures/threads/shared-state.js";
import { shardEventProblems } from "./event-checks.js";
import { buildPlan } from "./plans.js";
import { eventually, recorder, threadRunners } from "./threads-harness.js";

const make = threadRunners();

describe("threads: the pool", () => {
  it("runs a stage on at least min_worker_count threads at the same time, more than there are cores if asked", async () => {
    shared.set("target", 3);
    const { events, onEvent } = recorder();
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 3, exportName: "threadWhenAllIn" } });
    const runner = make<number[], number[]>(plan, { each: methods.threadWhenAllIn }, { threads: { maxThreads: 1 } });
    // Each of the first three calls returns only once all three are in flight: three threads at once.
    const threadIds = await runner.run([0, 1, 2, 3, 4, 5], { onEvent });
    expect(new Set(threadIds.slice(0, 3)).size).toBe(3);
    expect(threadIds.every((id) => id > 0)).toBe(true);
    expect(shardEventProblems(events, { ok: true, items: { each: 6 } })).toEqual([]);
    const up = events.filter((event) => event.type === "worker:up");
    expect(up.every((event) => event.type === "worker:up" && event.backend === "threads")).toBe(true);
  });

  it("grows while shards wait, up to maxThreads, and shrinks back after idling", async () => {
    shared.set("target", 3);
    const { events, onEvent } = recorder();
    const plan = buildPlan(
      {
        fan: { mode: "parallel", minWorkers: 1, exportName: "threadWhenAllIn" },
        pick: {},
        hold: { mode: "parallel", minWorkers: 1, exportName: "gated" },
      },
      [
        ["fan", "pick"],
        ["pick", "hold"],
      ],
    );
    const runner = make<number[], number[]>(
      plan,
      { fan: methods.threadWhenAllIn, pick: () => [0], hold: methods.gated },
      { workers: 3, threads: { maxThreads: 3, idleTimeoutMs: 50 } },
    );
    const run = runner.run([0, 1, 2], { onEvent });
    // `fan` needed three threads at once, from a pool that starts with one; `hold` keeps one busy while the others idle.
    await shared.reach("started", 1);
    const idle = (): FlowEvent[] => events.filter((event) => event.type === "worker:down" && event.reason === "idle");
    await eventually(() => idle().length === 2, "two idle threads to stop");
    shared.gate(0).open();
    const [holder] = await run;
    const fanned = new Set(
      events.flatMap((event) => (event.type === "shard:end" && event.method === "fan" ? [event.worker] : [])),
    );
    expect(fanned.size).toBe(3);
    const stopped = idle().map((event) => (event.type === "worker:down" ? event.worker : -1));
    expect(stopped).not.toContain(holder);
    expect(stopped.every((worker) => fanned.has(worker))).toBe(true);
    expect(shardEventProblems(events, { ok: true })).toEqual([]);
  });

  it("never runs a stage on more threads than its lanes, even with idle threads in the pool", async () => {
    shared.set("target", 4);
    const { events, onEvent } = recorder();
    // `fan` needs four threads at once; then `each`, capped at two, finds four threads up.
    const plan = buildPlan(
      {
        fan: { mode: "parallel", minWorkers: 4, exportName: "threadWhenAllIn" },
        pick: {},
        each: { mode: "parallel", minWorkers: 1, maxWorkers: 2, shardSize: 1, exportName: "brief" },
      },
      [
        ["fan", "pick"],
        ["pick", "each"],
      ],
    );
    const items = Array.from({ length: 60 }, (_, i) => i);
    const runner = make<number[], number[]>(
      plan,
      { fan: methods.threadWhenAllIn, pick: () => items, each: methods.brief },
      { workers: 6 },
    );
    await expect(runner.run([0, 1, 2, 3], { onEvent })).resolves.toEqual(items);
    expect(shared.gauge.max).toBe(4);
    // Two `each` calls at once, never more, though four threads were up.
    expect(shared.get("peakInFlight")).toBe(2);
    const threadsUsed = new Set(
      events.flatMap((event) => (event.type === "shard:start" && event.method === "each" ? [event.worker] : [])),
    );
    expect(threadsUsed.size).toBeLessThanOrEqual(2);
    expect(shardEventProblems(events, { ok: true, items: { fan: 4, each: 60 } })).toEqual([]);
  });

  it("sends no shard before every thread the pool starts with has loaded the methods", async () => {
    // Each thread imports the module 100 ms later than the one before; a shard sent to a thread still
    // importing would wait there while loaded threads idle.
    const slowLoad = new URL("../fixtures/threads/slow-load.methods.ts", import.meta.url).href;
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 3, shardSize: 1, exportName: "loadedThreads" } });
    const runner = make<number[], number[]>(
      plan,
      { each: slowLoad_loadedThreads },
      { modules: { "./test.methods": slowLoad }, threads: { maxThreads: 3 } },
    );
    await expect(runner.run([0, 1, 2, 3, 4, 5])).resolves.toEqual([3, 3, 3, 3, 3, 3]);
  });

  it("starts a stage of one of several runs on a shared pool only once min_worker_count threads are its own", async () => {
    const plan = buildPlan({ trio: { mode: "parallel", minWorkers: 3, shardSize: 1, exportName: "trioOfRun" } });
    type Seen = { thread: number; together: boolean }[];
    const runner = make<number[], Seen>(plan, { trio: methods.trioOfRun }, { workers: 3, threads: { maxThreads: 3 } });
    // Three runs at once, each needing three threads at the same time, on a pool of three.
    const outputs = await Promise.all([0, 10, 20].map((run) => runner.run([run, run + 1, run + 2])));
    for (const output of outputs) {
      expect(output.map((call) => call.together)).toEqual([true, true, true]);
      expect(new Set(output.map((call) => call.thread)).size).toBe(3);
    }
  });

  it("retries a failing call inside its thread, reporting each retry", async () => {
    const { events, onEvent } = recorder();
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, retries: 2, exportName: "failTwice" } });
    const runner = make<number[], number[]>(plan, { each: methods.failTwice });
    await expect(runner.run([10, 11], { onEvent })).resolves.toEqual([10, 11]);
    const records = shared.records() as { item: number; attempt: number; thread: number }[];
    for (const item of [0, 1]) {
      const attempts = records.filter((record) => record.item === item);
      expect(attempts.map((record) => record.attempt)).toEqual([1, 2, 3]);
      // All attempts on one thread, not the calling one: the retry loop runs where the call does.
      expect(new Set(attempts.map((record) => record.thread)).size).toBe(1);
      expect(attempts[0]?.thread).toBeGreaterThan(0);
    }
    const retries = events.filter((event) => event.type === "call:retry");
    expect(retries.map((event) => (event.type === "call:retry" ? [event.item, event.attempt] : [])).sort()).toEqual([
      [0, 1],
      [0, 2],
      [1, 1],
      [1, 2],
    ]);
    expect(
      retries.every((event) => event.type === "call:retry" && (event.error as Error).message.startsWith("attempt")),
    ).toBe(true);
  });

  it("aborts the signals of calls running in threads when the run is cancelled", async () => {
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "awaitAbort" } });
    const runner = make<number[], number[]>(plan, { each: methods.awaitAbort }, { workers: 2 });
    const controller = new AbortController();
    const run = runner.run([1, 2, 3], { signal: controller.signal });
    await shared.reach("started", 2);
    controller.abort(new Error("stop"));
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    await shared.reach("aborted", 2);
    const records = shared.records() as { thread: number; name: string; message: string }[];
    expect(records.map(({ name, message }) => ({ name, message }))).toEqual([
      { name: "AbortError", message: "Run of 'test' was cancelled: stop" },
      { name: "AbortError", message: "Run of 'test' was cancelled: stop" },
    ]);
    expect(new Set(records.map((record) => record.thread)).size).toBe(2);
    expect(records.every((record) => record.thread > 0)).toBe(true);
  });

  it("fails a run still going when its runner closes", async () => {
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 1, exportName: "gated" } });
    const runner = make<number[], number[]>(plan, { each: methods.gated });
    const run = runner.run([0]).catch((e: unknown) => e);
    await shared.reach("started", 1);
    await runner.close();
    const error = await run;
    expect(error).toMatchObject({
      code: ErrorCode.RunnerClosed,
      message: "The runner of plan 'test' was closed while method 'each' was running.",
    });
  });
});

describe("threads: where calls run", () => {
  it("reports single methods on the calling thread, worker 0, and parallel shards on threads, with their durations", async () => {
    const { events, onEvent } = recorder();
    const plan = buildPlan(
      { split: {}, each: { mode: "parallel", minWorkers: 2, exportName: "identity" }, count: {} },
      [
        ["split", "each"],
        ["each", "count"],
      ],
    );
    const runner = make<number, number>(plan, {
      split: (n: number) => Array.from({ length: n }, (_, i) => i),
      each: methods.identity,
      count: (xs: number[]) => xs.length,
    });
    await expect(runner.run(500, { onEvent })).resolves.toBe(500);
    expect(shardEventProblems(events, { ok: true, items: { each: 500 } })).toEqual([]);
    const ends = events.filter((event) => event.type === "shard:end");
    const single = ends.filter((event) => event.method !== "each");
    expect(single.map((event) => event.worker)).toEqual([0, 0]);
    const parallel = ends.filter((event) => event.method === "each");
    expect(parallel.every((event) => event.worker > 0 && event.durations?.length === event.count)).toBe(true);
    expect(events.find((event) => event.type === "worker:up" && event.worker === 0)).toMatchObject({
      backend: "threads",
    });
  });
});
