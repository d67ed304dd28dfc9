import { afterAll, beforeAll, expect, it } from "vitest";
import { bullmq, createRunner, createWorker, MethodError, type FlowWorker } from "../../stdlib/index.js";
import { buildPlan } from "../runtime/plans.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

/**
 * Redis here runs without persistence, so a restart loses every job, reply
 * and registration: what survives is what callers and workers rebuild.
 */
describeWithRedis("bullmq across a Redis restart", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await redis.dispose();
  });

  const slowSquare = async (x: number): Promise<number> => {
    await new Promise((resolve) => setTimeout(resolve, 10));
    return x * x;
  };

  it("completes a run when Redis restarts empty in the middle of it: the caller resubmits what it has not collected", async () => {
    const plan = buildPlan({ square: { mode: "parallel", minWorkers: 2, shardSize: 5 } }, [], "restart");
    const workers: FlowWorker[] = [];
    const logs: string[][] = [[], []];
    for (const log of logs) {
      workers.push(
        await createWorker(plan, {
          connection: redis.url,
          modules: { square: slowSquare },
          heartbeat: 200,
          stalledInterval: 500,
          lockDuration: 1000,
          log: (line) => log.push(line),
        }),
      );
    }
    const runner = createRunner<number[], number[]>(
      plan,
      { square: slowSquare },
      { backend: bullmq({ connection: redis.url }) },
    );
    let shardsDone = 0;
    const items = Array.from({ length: 300 }, (_, i) => i);
    const run = runner.run(items, {
      onEvent: (event) => void (event.type === "shard:end" && event.ok && shardsDone++),
    });
    while (shardsDone < 10) await new Promise((resolve) => setTimeout(resolve, 10));
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await redis.restart();
    const output = await run;
    expect(output).toEqual(items.map((x) => x * x));
    expect(shardsDone).toBe(60);
    // And the next run finds the workers registered again.
    await expect(runner.run([3, 4])).resolves.toEqual([9, 16]);
    // Each worker said what went wrong once, however often its connections retried, and that it was back.
    for (const log of logs) {
      const outage = log.slice(0, log.indexOf("redis: connected again"));
      expect(outage.length).toBeGreaterThan(0);
      expect(outage).toEqual([...new Set(outage)]);
      expect(outage.every((line) => /ECONNREFUSED|Connection is closed|ECONNRESET/.test(line))).toBe(true);
    }
    await runner.close();
    await Promise.all(workers.map((worker) => worker.close()));
  }, 30_000);

  it("fails the calls in flight with a clear error when Redis stays away longer than connectionWait", async () => {
    const plan = buildPlan({ square: { mode: "parallel", minWorkers: 1 } }, [], "outage");
    const worker = await createWorker(plan, {
      connection: redis.url,
      modules: { square: slowSquare },
      heartbeat: 200,
    });
    const runner = createRunner<number[], number[]>(
      plan,
      { square: slowSquare },
      {
        backend: bullmq({ connection: redis.url, connectionWait: 500 }),
      },
    );
    await expect(runner.run([2])).resolves.toEqual([4]);
    const run = runner.run(Array.from({ length: 500 }, (_, i) => i));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await redis.stop();
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    expect((error as MethodError).message).toBe(
      `Method 'square' failed after 1 attempt: lost the connection to Redis at 127.0.0.1:${redis.port} for more than 0.5 s (connectionWait)`,
    );
    expect((error as MethodError).cause).toMatchObject({ code: "FLOW_CONNECTION_LOST" });
    await redis.restart();
    await runner.close();
    await worker.close();
  }, 30_000);
});
