/**
 * How the threads backend cuts a stage into shards: outputs keep input order,
 * shard sizes follow the plan's `shard_size` or the measured cost of an item,
 * a stream of any length is read with a bounded number of items in flight,
 * and values that cannot cross between threads are named, not crashed on.
 */
import { describe, expect, it } from "vitest";
import { MethodError, NotCloneableError, type FlowEvent } from "../../stdlib/index.js";
import { MAX_SHARD_ITEMS } from "../../stdlib/backends/threads/index.js";
import * as methods from "../fixtures/threads/threads.methods.js";
import { shardEventProblems } from "./event-checks.js";
import { buildPlan } from "./plans.js";
import { recorder, threadRunners } from "./threads-harness.js";

const make = threadRunners();

type ShardEnd = Extract<FlowEvent, { type: "shard:end" }>;
const shardEnds = (events: readonly FlowEvent[]): ShardEnd[] =>
  events.filter((event): event is ShardEnd => event.type === "shard:end");

describe("threads: shards", () => {
  it("keeps input order over thousands of items of uneven cost", async () => {
    const items = Array.from({ length: 5000 }, (_, i) => i);
    const { events, onEvent } = recorder();
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "uneven" } });
    const runner = make<number[], number[]>(plan, { each: methods.uneven });
    await expect(runner.run(items, { onEvent })).resolves.toEqual(items.map((x) => x * 2));
    expect(shardEventProblems(events, { ok: true, items: { each: items.length } })).toEqual([]);
    // Both threads took shards.
    expect(new Set(shardEnds(events).map((event) => event.worker)).size).toBe(2);
  });

  it("cuts every shard to the plan's shard_size", async () => {
    const { events, onEvent } = recorder();
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, shardSize: 7, exportName: "identity" } });
    const runner = make<number[], number[]>(plan, { each: methods.identity });
    const items = Array.from({ length: 50 }, (_, i) => i);
    await expect(runner.run(items, { onEvent })).resolves.toEqual(items);
    const shards = shardEnds(events).sort((a, b) => a.first - b.first);
    expect(shards.map((shard) => [shard.first, shard.count])).toEqual([
      [0, 7],
      [7, 7],
      [14, 7],
      [21, 7],
      [28, 7],
      [35, 7],
      [42, 7],
      [49, 1],
    ]);
  });

  it("sizes shards from the cost of an item: many cheap items per shard, slow items one by one", async () => {
    const cheap = make<number[], number[]>(
      buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "identity" } }),
      { each: methods.identity },
    );
    const fast = recorder();
    const many = Array.from({ length: 100_000 }, (_, i) => i);
    await expect(cheap.run(many, { onEvent: fast.onEvent })).resolves.toEqual(many);
    const fastSizes = shardEnds(fast.events).map((event) => event.count);
    // It starts with one item, then grows: at most a few dozen shards for 100,000 items.
    expect(fastSizes[0]).toBe(1);
    expect(Math.max(...fastSizes)).toBeGreaterThan(1000);
    expect(fastSizes.length).toBeLessThan(200);

    const expensive = make<number[], number[]>(
      buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "slow" } }),
      { each: methods.slow },
    );
    const slow = recorder();
    await expect(expensive.run([1, 2, 3, 4, 5, 6, 7, 8], { onEvent: slow.onEvent })).resolves.toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    // 25 ms an item is more than the work a shard aims at: one item per shard.
    expect(shardEnds(slow.events).map((event) => event.count)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it("streams a million items of an async iterable with a bounded number in flight", async () => {
    const count = 1_000_000;
    let read = 0;
    let done = 0;
    let peak = 0;
    async function* numbers(): AsyncGenerator<number> {
      for (let i = 0; i < count; i++) {
        read++;
        peak = Math.max(peak, read - done);
        yield i;
      }
    }
    const lanes = 2;
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: lanes, exportName: "identity" } });
    const runner = make<AsyncIterable<number>, number[]>(plan, { each: methods.identity }, { workers: lanes });
    const output = await runner.run(numbers(), {
      onEvent: (event) => {
        if (event.type === "shard:end" && event.ok) done += event.count;
      },
    });
    expect(output.length).toBe(count);
    expect(output[0]).toBe(0);
    expect(output[123_456]).toBe(123_456);
    expect(output[count - 1]).toBe(count - 1);
    expect(done).toBe(count);
    // At most two shards per lane in flight (one running, one waiting on its thread), plus the one being read.
    expect(peak).toBeLessThanOrEqual((2 * lanes + 1) * MAX_SHARD_ITEMS);
    expect(peak).toBeGreaterThan(0);
  }, 60_000);

  it("names the method, the item and where in it an input that cannot be sent to a thread is", async () => {
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "identity" } });
    const runner = make<unknown[], unknown[]>(plan, { each: methods.identity });
    const items = [{ id: 0 }, { id: 1 }, { id: 2 }, { id: 3, hooks: { callback: () => 3 } }, { id: 4 }];
    const error = await runner.run(items).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    expect(error).toMatchObject({ method: "each", item: 3, attempts: 0 });
    expect((error as MethodError).message).toBe(
      "Method 'each' failed on item 3 after 0 attempts: items[3].hooks.callback is a function, which cannot be sent " +
        "to a worker thread (values that cross threads must be structured-cloneable)",
    );
    expect((error as MethodError).cause).toBeInstanceOf(NotCloneableError);
    expect((error as MethodError).cause).toMatchObject({
      name: "DataCloneError",
      path: "items[3].hooks.callback",
      what: "a function",
    });
  });

  it("names the method, the item and where in it an output that cannot come back from a thread is", async () => {
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "callbackOn3" } });
    const runner = make<number[], unknown[]>(plan, { each: methods.callbackOn3 });
    const error = await runner.run([0, 1, 2, 3, 4, 5]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    expect(error).toMatchObject({ method: "each", item: 3 });
    expect((error as MethodError).message).toBe(
      "Method 'each' failed on item 3 after 1 attempt: outputs[3].callback is a function, which cannot be returned " +
        "from a worker thread (values that cross threads must be structured-cloneable)",
    );
    // The pool is still usable.
    await expect(runner.run([0, 1])).resolves.toEqual([{ value: 0 }, { value: 1 }]);
  });

  it("shares, rather than copies, shared memory passed as an item", async () => {
    const views = [0, 1, 2].map(() => new Int32Array(new SharedArrayBuffer(4)));
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "writeShared" } });
    const runner = make<Int32Array[], number[]>(plan, { each: methods.writeShared });
    const threadIds = await runner.run(views);
    expect(views.map((view) => view[0])).toEqual(threadIds);
    expect(threadIds.every((id) => id > 0)).toBe(true);
  });
});
