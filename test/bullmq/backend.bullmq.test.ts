import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { shardSizeFor } from "../../stdlib/backends/bullmq/backend.js";
import {
  bullmq,
  createRunner,
  createWorker,
  ErrorCode,
  PlanError,
  TooFewWorkersError,
  type FlowEvent,
  type FlowWorker,
  type PlanDescriptor,
  type RunContext,
  type Runner,
} from "../../stdlib/index.js";
import { buildPlan } from "../runtime/plans.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

const square = (x: number): number => x * x;

describeWithRedis("bullmq backend", () => {
  let redis: RedisServer;
  const workers: FlowWorker[] = [];
  const runners: Runner<unknown, unknown>[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.close()));
    await Promise.all(workers.splice(0).map((worker) => worker.close()));
  });
  afterAll(async () => {
    await redis.dispose();
  });

  async function serve(plan: PlanDescriptor, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      workers.push(
        await createWorker(plan, {
          connection: redis.url,
          modules: { square },
          heartbeat: 200,
        }),
      );
    }
  }

  function runner(plan: PlanDescriptor, workerWait?: number): Runner<number[], number[]> {
    const made = createRunner<number[], number[]>(
      plan,
      { square },
      { backend: bullmq({ connection: redis.url, workerWait }) },
    );
    runners.push(made as Runner<unknown, unknown>);
    return made;
  }

  it("refuses a plan not checked for JSON transport before anything reaches Redis", async () => {
    const plan = {
      ...buildPlan({ square: {} }, [], "unchecked"),
      jsonSafe: false,
    };
    const error = await runner(plan)
      .run([1])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect(error).toMatchObject({ code: ErrorCode.InvalidPlan });
    expect((error as Error).message).toBe(
      "Plan 'unchecked' cannot run on the bullmq backend: it was not checked for JSON transport, and every value " +
        "between its methods crosses processes as JSON. Rebuild it with 'flowc build --backend bullmq'.",
    );
    const client = new Redis(redis.port, "127.0.0.1");
    expect(await client.keys("*unchecked*")).toEqual([]);
    await client.quit();
  });

  it("fails a parallel stage after workerWait when fewer workers than min_worker_count serve it, naming the counts", async () => {
    const plan = buildPlan({ square: { mode: "parallel", minWorkers: 3 } }, [], "short");
    await serve(plan, 1);
    const error = await runner(plan, 300)
      .run([1, 2, 3])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooFewWorkersError);
    expect(error).toMatchObject({
      code: ErrorCode.TooFewWorkers,
      methods: ["square"],
      required: 3,
      live: 1,
    });
    expect((error as Error).message).toBe(
      `Parallel method 'square' needs 3 live workers (min_worker_count: 3), but only 1 worker serves it after waiting 0.3 s ` +
        `(workerWait). Start more with 'flowc worker' for plan 'short' on Redis 127.0.0.1:${redis.port}, or lower min_worker_count.`,
    );
  });

  it("fails a single method with no live worker, and counts a closed worker as gone", async () => {
    const plan = buildPlan({ square: {} }, [], "alone");
    await serve(plan, 1);
    await workers.pop()?.close();
    const error = await runner(plan, 200)
      .run([1])
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `Method 'square' has no live worker: no worker serves it after waiting 0.2 s (workerWait). ` +
        `Start one with 'flowc worker' for plan 'alone' on Redis 127.0.0.1:${redis.port}.`,
    );
  });

  it("holds a parallel stage until min_worker_count workers serve it, then runs it", async () => {
    const plan = buildPlan({ square: { mode: "parallel", minWorkers: 3 } }, [], "waits");
    await serve(plan, 1);
    const events: FlowEvent[] = [];
    const run = runner(plan, 20_000).run([1, 2, 3, 4], {
      onEvent: (event) => events.push(event),
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(events.some((event) => event.type === "shard:start")).toBe(false);
    await serve(plan, 2);
    await expect(run).resolves.toEqual([1, 4, 9, 16]);
  });

  it("keeps two versions of a plan apart: workers of one never take jobs of the other", async () => {
    const v1 = buildPlan({ square: {} }, [], "versions");
    const v2 = buildPlan({ square: { retries: 1 } }, [], "versions");
    expect(v1.hash).not.toBe(v2.hash);
    await serve(v1, 1);
    const error = await runner(v2, 300)
      .run([1])
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^Method 'square' has no live worker: no worker serves it/);
  });

  it("reports shards, workers and durations in its events, numbering workers from 1", async () => {
    const plan = buildPlan({ square: { mode: "parallel", minWorkers: 2, shardSize: 3 } }, [], "events");
    await serve(plan, 2);
    const events: FlowEvent[] = [];
    await expect(
      runner(plan).run([1, 2, 3, 4, 5, 6, 7], {
        onEvent: (event) => events.push(event),
      }),
    ).resolves.toEqual([1, 4, 9, 16, 25, 36, 49]);
    const ends = events.flatMap((event) => (event.type === "shard:end" ? [event] : []));
    expect(ends.map((event) => [event.shard, event.first, event.count, event.ok]).sort()).toEqual([
      [0, 0, 3, true],
      [1, 3, 3, true],
      [2, 6, 1, true],
    ]);
    expect(ends.every((event) => event.durations?.length === event.count)).toBe(true);
    const up = events.flatMap((event) => (event.type === "worker:up" ? [event.worker] : []));
    expect(new Set(up).size).toBe(up.length);
    expect(up.every((worker) => worker >= 1)).toBe(true);
    for (const start of events.filter((event) => event.type === "shard:start")) {
      // Every shard's worker was announced before the shard.
      const announced = events.findIndex(
        (event) => event.type === "worker:up" && start.type === "shard:start" && event.worker === start.worker,
      );
      expect(announced).toBeLessThan(events.indexOf(start));
    }
  });

  it("reports a worker that stops during a run as down, to the run that used it", async () => {
    const plan = buildPlan({ square: { mode: "parallel", minWorkers: 2, shardSize: 1 } }, [], "leaving");
    await serve(plan, 2);
    const events: FlowEvent[] = [];
    const leaving = workers[1];
    let closed: Promise<void> | undefined;
    const run = runner(plan).run([1, 2, 3, 4, 5, 6], {
      onEvent: (event) => {
        events.push(event);
        // Once both workers have run a shard, one of them leaves.
        if (closed === undefined && events.filter((e) => e.type === "worker:up").length === 2)
          closed = leaving?.close();
      },
    });
    await expect(run).resolves.toEqual([1, 4, 9, 16, 25, 36]);
    await closed;
    const up = events.flatMap((event) => (event.type === "worker:up" ? [event.worker] : []));
    const down = events.flatMap((event) => (event.type === "worker:down" ? [[event.worker, event.reason]] : []));
    expect(up).toHaveLength(2);
    // The run may have finished before the worker's leaving reached it; if not, it names one it announced.
    expect(down.length).toBeLessThanOrEqual(1);
    for (const [worker, reason] of down) {
      expect(up).toContain(worker);
      expect(reason).toBe("close");
    }
  });

  it("retries only the failed items of a shard, on a later attempt, keeping the others' results", async () => {
    const plan = buildPlan({ flaky: { mode: "parallel", minWorkers: 1, shardSize: 4, retries: 2 } }, [], "partial");
    const calls: [number, number][] = [];
    const flaky = (x: number, context: RunContext): number => {
      calls.push([x, context.attempt]);
      if (x === 2 && context.attempt === 1) throw new Error("not yet");
      return x * 10;
    };
    workers.push(await createWorker(plan, { connection: redis.url, modules: { flaky }, heartbeat: 200 }));
    const made = createRunner<number[], number[]>(
      plan,
      { flaky },
      {
        backend: bullmq({ connection: redis.url }),
        retryBackoff: { baseMs: 1, maxMs: 4 },
      },
    );
    runners.push(made as Runner<unknown, unknown>);
    const events: FlowEvent[] = [];
    await expect(made.run([0, 1, 2, 3, 4], { onEvent: (event) => events.push(event) })).resolves.toEqual([
      0, 10, 20, 30, 40,
    ]);
    expect(calls.sort((a, b) => a[0] - b[0] || a[1] - b[1])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
      [2, 2],
      [3, 1],
      [4, 1],
    ]);
    const retries = events.flatMap((event) => (event.type === "call:retry" ? [[event.item, event.attempt]] : []));
    expect(retries).toEqual([[2, 1]]);
  });

  it("checks its options when created", () => {
    expect(() => bullmq({ workerWait: -1 })).toThrow(
      "bullmq() option 'workerWait' must be from 0 to 2147483647 ms (the longest delay Node's timers honour), got -1 ms.",
    );
    expect(() => bullmq({ shardSize: 1.5 })).toThrow(
      "bullmq() option 'shardSize' must be an integer from 1 to 2147483647, got 1.5.",
    );
    expect(() => bullmq({ prefix: "a:b" })).toThrow(
      "bullmq() option 'prefix' must be non-empty without ':', got 'a:b'.",
    );
  });
});

it("sizes shards from the plan, else many per lane, one item each for short stages", () => {
  expect(shardSizeFor(10, 3, null, 128)).toBe(1);
  expect(shardSizeFor(10_000, 2, null, 128)).toBe(128);
  expect(shardSizeFor(1_000, 2, null, 128)).toBe(31);
  expect(shardSizeFor(1_000, 2, 7, 128)).toBe(7);
});
