import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { bullmq, createRunner, createWorker, ErrorCode, type FlowEvent, type FlowWorker } from "../../stdlib/index.js";
import { buildPlan } from "../runtime/plans.js";
import { until } from "./processes.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

/** Redis loses a run's keys without restarting: the caller must fail the run, naming what was lost. */
describeWithRedis("bullmq callers whose run state Redis loses", () => {
  let redis: RedisServer;
  let client: Redis;
  const workers: FlowWorker[] = [];
  beforeAll(async () => {
    redis = await RedisServer.start();
    client = new Redis(redis.port, "127.0.0.1");
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.close({ graceMs: 0 })));
  });
  afterAll(async () => {
    await client.quit();
    await redis.dispose();
  });

  const slow = async (x: number): Promise<number> => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return x * 2;
  };

  /** Starts a run of 400 items in shards of 5 on two workers, and resolves once 5 shards are done. */
  async function runningPlan(name: string): Promise<{ run: Promise<number[]>; close: () => Promise<void> }> {
    const plan = buildPlan({ slow: { mode: "parallel", minWorkers: 2, shardSize: 5 } }, [], name);
    for (let i = 0; i < 2; i++) {
      workers.push(await createWorker(plan, { connection: redis.url, modules: { slow }, heartbeat: 200 }));
    }
    const runner = createRunner<number[], number[]>(plan, { slow }, { backend: bullmq({ connection: redis.url }) });
    const events: FlowEvent[] = [];
    const run = runner.run(
      Array.from({ length: 400 }, (_, i) => i),
      { onEvent: (event) => events.push(event) },
    );
    run.catch(() => undefined);
    await until(() => events.filter((e) => e.type === "shard:end").length >= 5, 20_000, "five shards to end");
    return { run, close: () => runner.close() };
  }

  it("fails the run when Redis is flushed under it, naming the session key it lost", async () => {
    const { run, close } = await runningPlan("flushed");
    await client.flushall();
    const error = (await run.catch((e: unknown) => e)) as Error & { code?: string };
    expect(error.code).toBe(ErrorCode.RunStateLost);
    expect(error.message).toMatch(
      new RegExp(
        `^Redis at 127\\.0\\.0\\.1:${redis.port} lost the state of the call of 'slow' while it ran: ` +
          `this caller's session key flowc:flushed\\.[0-9a-f]{16}:session:[^ ]+ is gone\\. ` +
          "Its keys were flushed or evicted, or Redis failed over to an empty replica \\(give it maxmemory-policy " +
          "noeviction, and persistence\\); the call cannot complete\\.$",
      ),
    );
    await close();
  }, 60_000);

  it("fails the run when the key of its call is evicted, naming that key", async () => {
    const { run, close } = await runningPlan("evicted");
    const [callKey] = await client.keys("flowc:evicted.*:call:*");
    expect(callKey).toBeDefined();
    await client.del(callKey ?? "");
    const error = (await run.catch((e: unknown) => e)) as Error & { code?: string };
    expect(error.code).toBe(ErrorCode.RunStateLost);
    expect(error.message).toContain(
      `lost the state of the call of 'slow' while it ran: the key of its call, ${callKey} is gone.`,
    );
    await close();
  }, 60_000);
});
