import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bullmq, createRunner, createWorker, ErrorCode, type FlowEvent, type FlowWorker } from "../../stdlib/index.js";
import { napPlan } from "../fixtures/bullmq/plans.js";
import { nap } from "../fixtures/bullmq/test.methods.js";
import { buildPlan } from "../runtime/plans.js";
import { fixtures, spawnWorker, until, type WorkerProcess } from "./processes.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

/** Every worker of a running stage dies: the caller must not wait for ever, silently. */
describeWithRedis("bullmq callers whose workers all go", () => {
  let redis: RedisServer;
  const started: WorkerProcess[] = [];
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    for (const worker of started) if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    await redis.dispose();
  });

  it("fails the stage once no live worker has served it for workerWait, naming the workers that stopped", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowc-gone-"));
    const cli = ["src/cli/main.ts", "worker", join(fixtures, "naps.flow.ts"), "--redis", redis.url];
    const env = { FLOWC_TEST_TALLY: dir, FLOWC_TEST_NAP_MS: "200" };
    const workers = await Promise.all([0, 1, 2].map(() => spawnWorker(cli, /serving nap/, env)));
    started.push(...workers);
    const runner = createRunner<number[], number[]>(
      napPlan,
      { nap },
      { backend: bullmq({ connection: redis.url, workerWait: 1500 }) },
    );
    const events: FlowEvent[] = [];
    const run = runner.run(
      Array.from({ length: 60 }, (_, i) => i),
      { onEvent: (event) => events.push(event) },
    );
    run.catch(() => undefined);
    await until(() => events.filter((e) => e.type === "shard:end").length >= 3, 30_000, "three shards to end");
    for (const worker of workers) worker.child.kill("SIGKILL");
    await Promise.all(workers.map((worker) => worker.exited));

    const error = (await run.catch((e: unknown) => e)) as Error & { code?: string };
    expect(error.code).toBe(ErrorCode.WorkersGone);
    expect(error.message).toMatch(
      /^Method 'nap' lost every worker that served it: no live worker has served it for 1\.5 s \(workerWait\); gone: /,
    );
    for (const worker of workers) {
      expect(error.message).toMatch(new RegExp(`-${worker.child.pid ?? 0}-[0-9a-f]{8} \\(stopped responding\\)`));
    }
    expect(error.message).toContain(
      `Its shards still queued will not run: start workers with 'flowc worker' for plan 'naps' on Redis 127.0.0.1:${redis.port} and run again.`,
    );
    await runner.close();
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  it("with workerWait: Infinity, says once that it waits, and completes when a worker comes back", async () => {
    const plan = buildPlan({ slow: { mode: "parallel", minWorkers: 1, shardSize: 1 } }, [], "comes-back");
    const slow = async (x: number): Promise<number> => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return x + 1;
    };
    const first: FlowWorker = await createWorker(plan, { connection: redis.url, modules: { slow }, heartbeat: 200 });
    const log: string[] = [];
    const runner = createRunner<number[], number[]>(
      plan,
      { slow },
      { backend: bullmq({ connection: redis.url, workerWait: Infinity, log: (line) => log.push(line) }) },
    );
    const events: FlowEvent[] = [];
    const run = runner.run([1, 2, 3, 4, 5, 6], { onEvent: (event) => events.push(event) });
    run.catch(() => undefined);
    await until(() => events.some((e) => e.type === "shard:end"), 10_000, "a shard to end");
    // It leaves, handing its job in flight back.
    await first.close({ graceMs: 0 });
    await until(() => log.length > 0, 10_000, "the caller to say it waits");
    expect(log).toEqual([
      `no live worker serves 'slow' of plan 'comes-back' on Redis 127.0.0.1:${redis.port}; ` +
        "waiting for one without a limit (workerWait: Infinity)",
    ]);
    const second = await createWorker(plan, { connection: redis.url, modules: { slow } });
    await expect(run).resolves.toEqual([2, 3, 4, 5, 6, 7]);
    expect(log).toHaveLength(1);
    await runner.close();
    await second.close();
  }, 60_000);
});
