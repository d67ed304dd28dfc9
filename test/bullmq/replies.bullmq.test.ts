import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bullmq, createRunner, createWorker, type FlowEvent } from "../../stdlib/index.js";
import { buildPlan } from "../runtime/plans.js";
import { until } from "./processes.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

/** A promise and the function that resolves it (Node 20 lacks Promise.withResolvers). */
function opening(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** A client that may write to Redis appends results to a caller's reply stream. */
describeWithRedis("bullmq callers and forged replies", () => {
  let redis: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    redis = await RedisServer.start();
    client = new Redis(redis.port, "127.0.0.1");
  });
  afterAll(async () => {
    await client.quit();
    await redis.dispose();
  });

  it("rejects replies that match no shard in flight, and keeps only the genuine results", async () => {
    const plan = buildPlan({ gate: { mode: "parallel", minWorkers: 1, shardSize: 2 } }, [], "forged-replies");
    const tag = `forged-replies.${plan.hash.slice(0, 16)}`;
    const gates = [opening(), opening()];
    // Items 1 and 2 (shard 0) wait for the first gate, 3 and 4 (shard 1) for the second.
    const gate = async (x: number): Promise<number> => {
      await gates[x <= 2 ? 0 : 1]?.promise;
      return x * 10;
    };
    const worker = await createWorker(plan, { connection: redis.url, modules: { gate }, concurrency: 2 });
    const log: string[] = [];
    const runner = createRunner<number[], number[]>(
      plan,
      { gate },
      { backend: bullmq({ connection: redis.url, log: (line) => log.push(line) }) },
    );
    const events: FlowEvent[] = [];
    const run = runner.run([1, 2, 3, 4], { onEvent: (event) => events.push(event) });
    run.catch(() => undefined);
    const started = (): number => events.filter((event) => event.type === "shard:start").length;
    await until(() => started() === 2, 10_000, "both shards to start");

    const [sessionKey] = await client.keys(`flowc:${tag}:session:*`);
    const [callKey] = await client.keys(`flowc:${tag}:call:*`);
    const session = (sessionKey ?? "").split(":").at(-1) ?? "";
    const call = (callKey ?? "").split(":").at(-1) ?? "";
    // A forger that reads the job learns its token, and can answer for it: Redis access is the trust boundary.
    const job = JSON.parse((await client.hget(`flowc:${tag}.gate:${call}.s0`, "data")) ?? "{}") as { token: string };
    const forge = (reply: Record<string, unknown>): Promise<unknown> =>
      client.xadd(`flowc:${tag}:replies:${session}`, "*", "m", JSON.stringify(reply));
    const done = { t: "done", call, shard: 0, token: job.token, worker: "forger", holes: [], durations: null };

    await forge({ ...done, token: "not-the-token", values: [7, 7] });
    await forge({ ...done, shard: 9, values: [7, 7] });
    await forge({ ...done, values: [7] });
    await forge({ ...done, call: "no-such-call.0", values: [7, 7] });
    gates[0]?.resolve();
    await until(() => events.some((event) => event.type === "shard:end" && event.shard === 0), 10_000, "shard 0");
    // A second result for a shard already in: a shard that ran twice sends one too, so it is dropped quietly.
    await forge({ ...done, values: [7, 7] });
    gates[1]?.resolve();

    await expect(run).resolves.toEqual([10, 20, 30, 40]);
    const where = `on Redis 127.0.0.1:${redis.port}`;
    const forged = "no worker of this caller sent it, so another client wrote to its reply stream";
    expect(log).toEqual([
      `rejected a 'done' reply to shard 0 of call '${call}' ${where}: its token is not that of the shard's job; ${forged}`,
      `rejected a 'done' reply to shard 9 of call '${call}' ${where}: the call of 'gate' has 2 shard(s), none numbered 9; ${forged}`,
      `rejected a 'done' reply to shard 0 of call '${call}' ${where}: it holds 1 value(s) for 2 item(s) of the shard; ${forged}`,
      `rejected a 'done' reply to shard 0 of call 'no-such-call.0' ${where}: this caller made no call 'no-such-call.0'; ${forged}`,
    ]);
    await runner.close();
    await worker.close();
  }, 30_000);
});
