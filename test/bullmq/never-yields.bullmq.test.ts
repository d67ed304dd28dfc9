import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bullmq, createRunner, MethodError, type Runner } from "../../stdlib/index.js";
import { SPIN_ITEM, spinPlan, stuckPlan } from "../fixtures/bullmq/plans.js";
import { spin, stuck } from "../fixtures/bullmq/test.methods.js";
import { fixtures, spawnWorker, until, type WorkerProcess } from "./processes.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

/** Every line of the tally files of `kind`, across worker processes. */
function tallied(dir: string, kind: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith(`${kind}-`))
    .flatMap((name) =>
      readFileSync(join(dir, name), "utf8")
        .split("\n")
        .filter((line) => line !== ""),
    );
}

/** Calls that never yield (a CPU-bound loop) on workers of three processes. */
describeWithRedis("bullmq workers and calls that never yield", () => {
  let redis: RedisServer;
  const started: WorkerProcess[] = [];
  const runners: Runner<unknown, unknown>[] = [];
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await Promise.all(runners.map((runner) => runner.close()));
    // Workers wedged by a call that never yields answer no SIGTERM.
    for (const worker of started) if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    await redis.dispose();
  });

  it("stops a call past its timeout on its worker thread: the retry succeeds, other items run once, no worker is wedged", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowc-spin-"));
    const cli = ["src/cli/main.ts", "worker", join(fixtures, "spins.flow.ts"), "--redis", redis.url];
    const workers = await Promise.all([0, 1, 2].map(() => spawnWorker(cli, /serving spin/, { FLOWC_TEST_TALLY: dir })));
    started.push(...workers);
    const runner = createRunner<number[], number[]>(spinPlan, { spin }, { backend: bullmq({ connection: redis.url }) });
    runners.push(runner as Runner<unknown, unknown>);
    const items = Array.from({ length: 40 }, (_, i) => i);

    await expect(runner.run(items)).resolves.toEqual(items.map((x) => 3 * x));
    // The spinning attempt timed out and was retried; every other item ran once, on its first attempt.
    const calls = tallied(dir, "spin").sort();
    const expected = [...items.map((x) => `${x}@1`), `${SPIN_ITEM}@2`].sort();
    expect(calls).toEqual(expected);
    // The worker that ran it stops the thread once the grace is over, which may be after the retry succeeded
    // elsewhere; then it still serves: a second run completes.
    const stopped =
      `flowc worker: 'spin' item ${SPIN_ITEM} (attempt 1) still ran 1000 ms after its attempt ended: ` +
      "its worker thread was stopped and will be replaced\n";
    const logs = () => workers.map((worker) => worker.stderr()).join("");
    await until(() => logs().includes(stopped), 30_000, "the stuck thread to be stopped");
    expect(logs().split(stopped)).toHaveLength(2);
    await expect(runner.run([1, 2, 3])).resolves.toEqual([3, 6, 9]);
    for (const worker of workers) worker.child.kill("SIGTERM");
    expect(await Promise.all(workers.map((worker) => worker.exited))).toEqual([0, 0, 0]);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("fails a job whose call never yields and has no timeout after its stalls, naming the method, the shard and its items", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowc-stuck-"));
    // serve.ts workers: 3 s locks, stalled jobs looked for twice a second, at most one stall (the default).
    const workers = await Promise.all(
      [0, 1, 2].map(() =>
        spawnWorker([join(fixtures, "serve.ts"), "stuckPlan", redis.url], /^ready$/m, { FLOWC_TEST_TALLY: dir }),
      ),
    );
    started.push(...workers);
    const runner = createRunner<number[], number[]>(
      stuckPlan,
      { stuck },
      { backend: bullmq({ connection: redis.url }) },
    );
    runners.push(runner as Runner<unknown, unknown>);
    const items = Array.from({ length: 40 }, (_, i) => i);

    const error = await runner.run(items).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    const shard = Math.floor(SPIN_ITEM / 4);
    expect((error as MethodError).message).toMatch(
      new RegExp(
        `^Method 'stuck' failed after \\d+ attempts?: the job of shard ${shard} \\(items ${shard * 4}–${shard * 4 + 3}\\) ` +
          "stalled 2 times on workers that stopped responding \\(maxStalls: 1\\); a call that never yields blocks its " +
          "worker: give 'stuck' a timeout, so that such a call can be stopped$",
      ),
    );
    // It was handed on once, not from worker to worker for ever: two workers ran it, the third did not.
    expect(tallied(dir, "stuck").filter((line) => line === String(SPIN_ITEM))).toHaveLength(2);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
