/**
 * A worker thread that dies under a shard loses nothing: the item it was
 * running is run again on a fresh thread, every output arrives once, and only
 * threads dying again and again on one item fail the run, naming it.
 */
import { describe, expect, it } from "vitest";
import { CancelledError, MethodError, WorkerCrashError, type FlowEvent } from "../../stdlib/index.js";
import * as methods from "../fixtures/threads/threads.methods.js";
import { shared } from "../fixtures/threads/shared-state.js";
import { shardEventProblems } from "./event-checks.js";
import { buildPlan } from "./plans.js";
import { crashes, recorder, threadRunners } from "./threads-harness.js";

const make = threadRunners();
const items = Array.from({ length: 400 }, (_, i) => i);

describe("threads: threads that die", () => {
  it("re-runs the items of a thread that exits, with every output once and in order", async () => {
    shared.set("target", 137);
    const { events, onEvent } = recorder();
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "exitOnce" } });
    const runner = make<number[], number[]>(plan, { each: methods.exitOnce });
    await expect(runner.run(items, { onEvent })).resolves.toEqual(items.map((x) => x * 3));
    // Every item ran; 137 twice (the thread died on it), and items of its shard before it may have too.
    const calls = (shared.records() as { item: number }[]).map((record) => record.item);
    expect(new Set(calls).size).toBe(items.length);
    expect(calls.filter((item) => item === 137)).toHaveLength(2);
    // The lost shard ended unsuccessfully, 137 ran again alone, and successful shards hold every item once.
    const lost = events.filter((event) => event.type === "shard:end" && !event.ok);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ method: "each" });
    const lostShard = lost[0] as Extract<FlowEvent, { type: "shard:end" }>;
    expect(lostShard.first).toBeLessThanOrEqual(137);
    expect(lostShard.first + lostShard.count).toBeGreaterThan(137);
    expect(events).toContainEqual(expect.objectContaining({ type: "shard:end", first: 137, count: 1, ok: true }));
    expect(crashes(events)).toBe(1);
    expect(shardEventProblems(events, { ok: true, items: { each: items.length } })).toEqual([]);
  });

  it("re-runs an item whose thread dies of an error thrown on a timer", async () => {
    shared.set("target", 5);
    const { events, onEvent } = recorder();
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "throwOnTimerOnce" } });
    const runner = make<number[], number[]>(plan, { each: methods.throwOnTimerOnce });
    await expect(runner.run(items.slice(0, 40), { onEvent })).resolves.toEqual(items.slice(0, 40).map((x) => x * 3));
    expect(crashes(events)).toBe(1);
    expect(shardEventProblems(events, { ok: true, items: { each: 40 } })).toEqual([]);
  });

  it("re-runs an item whose thread runs out of memory", async () => {
    shared.set("target", 9);
    const { events, onEvent } = recorder();
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "exhaustMemoryOnce" } });
    const runner = make<number[], number[]>(
      plan,
      { each: methods.exhaustMemoryOnce },
      { threads: { resourceLimits: { maxOldGenerationSizeMb: 48 } } },
    );
    await expect(runner.run(items.slice(0, 30), { onEvent })).resolves.toEqual(items.slice(0, 30).map((x) => x * 3));
    expect(crashes(events)).toBe(1);
  });

  it("fails once threads died maxCrashes times on the same item, naming the method, the item and the cause", async () => {
    shared.set("target", 7);
    const { events, onEvent } = recorder();
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "exitOnTarget" } });
    const runner = make<number[], number[]>(plan, { each: methods.exitOnTarget }, { threads: { maxCrashes: 2 } });
    const error = await runner.run(items.slice(0, 20), { onEvent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    expect(error).toMatchObject({ method: "each", item: 7, attempts: 2 });
    expect((error as MethodError).message).toBe(
      "Method 'each' failed on item 7 after 2 attempts: its worker thread died 2 times while running it " +
        "(last: worker exited with code: 4)",
    );
    const cause = (error as MethodError).cause;
    expect(cause).toBeInstanceOf(WorkerCrashError);
    expect(cause).toMatchObject({
      name: "WorkerCrashError",
      code: "FLOW_WORKER_CRASHED",
      item: 7,
      count: 1,
      crashes: 2,
    });
    expect(events[events.length - 1]).toMatchObject({ type: "run:end", ok: false, error });
  });

  it("terminates and replaces a thread whose call ignores the run's cancellation", async () => {
    shared.set("target", 0);
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "spinOnTarget" } });
    const runner = make<number[], number[]>(
      plan,
      { each: methods.spinOnTarget },
      { threads: { maxThreads: 2, cancelGraceMs: 50 } },
    );
    const controller = new AbortController();
    const run = runner.run([0, 1, 2, 3], { signal: controller.signal });
    await shared.reach("started", 1);
    controller.abort(new Error("enough"));
    // The run does not wait for the spinning call.
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    // Both threads of the pool are free again only if the spinning one was terminated and replaced.
    const both = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "threadWhenAllIn" } });
    shared.set("target", 2);
    const next = make<number[], number[]>(both, { each: methods.threadWhenAllIn }, { threads: { maxThreads: 2 } });
    const threadsUsed = await next.run([0, 1]);
    expect(new Set(threadsUsed).size).toBe(2);
    await expect(runner.run([5, 6])).resolves.toEqual([5, 6]);
  });
});
