import { Queue, type Job } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { WIRE_VERSION } from "../../stdlib/backends/bullmq/messages.js";
import { createWorker, type FlowWorker } from "../../stdlib/index.js";
import { buildPlan } from "../runtime/plans.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

/** Jobs whose data was altered in Redis, by hand or by a client that may write there. */
describeWithRedis("bullmq workers and jobs altered in Redis", () => {
  let redis: RedisServer;
  let client: Redis;
  const workers: FlowWorker[] = [];
  const queues: Queue[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    client = new Redis(redis.port, "127.0.0.1");
  });
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.close()));
    await Promise.all(workers.splice(0).map((worker) => worker.close()));
  });
  afterAll(async () => {
    await client.quit();
    await redis.dispose();
  });

  const valid = {
    v: WIRE_VERSION,
    run: "forged_run",
    session: "forged.1",
    shard: 0,
    token: "t0",
    first: 0,
    single: false,
    input: [1, 2],
    holes: [],
    events: false,
  };

  function queueOf(plan: ReturnType<typeof buildPlan>, method: string): Queue {
    const tag = `${plan.name}.${plan.hash.slice(0, 16)}`;
    const queue = new Queue(`${tag}.${method}`, {
      connection: { host: "127.0.0.1", port: redis.port },
      prefix: "flowc",
    });
    queues.push(queue);
    return queue;
  }

  /** The job's state once it leaves waiting and active (20 ms polls, 10 s at most). */
  async function settled(
    queue: Queue,
    job: Job,
  ): Promise<{ state: string; reason: string | undefined; attempts: number }> {
    for (let i = 0; i < 500; i++) {
      const state = await job.getState();
      if (state === "failed" || state === "completed" || state === "unknown") {
        // Read raw: BullMQ's own job loader would trip on the data this test plants.
        const stored = await client.hgetall(`flowc:${queue.name}:${job.id ?? ""}`);
        return { state, reason: stored["failedReason"], attempts: Number(stored["atm"] ?? 0) };
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`job ${job.id ?? ""} never settled`);
  }

  it("fails a job whose stored data is not JSON once, without running it, and logs it once", async () => {
    const calls: unknown[] = [];
    const plan = buildPlan({ record: { mode: "parallel", minWorkers: 1 } }, [], "poison");
    const queue = queueOf(plan, "record");
    const job = await queue.add("record", valid);
    // The data field truncated, as a client writing garbage (or a half-written value) leaves it.
    await client.hset(`flowc:${queue.name}:${job.id ?? ""}`, "data", '{"v": 2, "run": ');
    const log: string[] = [];
    workers.push(
      await createWorker(plan, {
        connection: redis.url,
        modules: { record: (x: unknown) => calls.push(x) },
        stalledInterval: 200,
        lockDuration: 1000,
        log: (line) => log.push(line),
      }),
    );
    const outcome = await settled(queue, job);
    expect(outcome.state).toBe("failed");
    expect(outcome.reason).toMatch(
      /^Job \d+ in queue 'poison\.[0-9a-f]{16}\.record' refused: its data is not JSON \(.*JSON.*\)$/,
    );
    expect(outcome.attempts).toBe(1);
    // Past a few stall checks, it is still failed once: refused once, never taken again.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(log.filter((line) => line.includes("refused"))).toHaveLength(1);
    expect(log.filter((line) => /JSON input|Unexpected/.test(line) && !line.includes("refused"))).toEqual([]);
    expect(calls).toEqual([]);
  });

  it("returns only outputs its own calls produced: outputs written into a job are not returned", async () => {
    const calls: unknown[] = [];
    const plan = buildPlan({ record: { mode: "parallel", minWorkers: 1 } }, [], "forgery");
    const queue = queueOf(plan, "record");
    const tag = `forgery.${plan.hash.slice(0, 16)}`;
    // The call wants results, as a caller's would: otherwise the worker would skip the shard.
    await client.set(`flowc:${tag}:call:forged_run.0`, "1", "PX", 60_000);
    workers.push(
      await createWorker(plan, {
        connection: redis.url,
        modules: {
          record: (x: number) => {
            calls.push(x);
            return x * 10;
          },
        },
      }),
    );
    // Outputs for item 0 planted in the job, in the shape a worker once kept them between attempts.
    const job = await queue.add("record", {
      ...valid,
      partial: { items: [0], values: [42], holes: [] },
    });
    expect((await settled(queue, job)).state).not.toBe("failed");
    const replies = await client.xrange(`flowc:${tag}:replies:forged.1`, "-", "+");
    const done = replies
      .map(([, fields]) => JSON.parse(fields[1] ?? "null") as { t: string; values?: unknown[]; items?: number[] })
      .filter((reply) => reply.t === "done");
    expect(done).toHaveLength(1);
    // Both items ran here; nothing planted came back.
    expect(calls).toEqual([1, 2]);
    expect(done[0]?.values).toEqual([10, 20]);
    expect(done[0]?.items).toBeUndefined();
  });
});
