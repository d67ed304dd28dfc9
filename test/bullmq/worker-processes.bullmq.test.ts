import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bullmq, createRunner, type FlowEvent, type PlanDescriptor, type Runner } from "../../stdlib/index.js";
import { busyPlan, napPlan, squarePlan } from "../fixtures/bullmq/plans.js";
import * as fixture from "../fixtures/bullmq/test.methods.js";
import { fixtures, spawnWorker, until, type WorkerProcess } from "./processes.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

/** The fixture's methods, without its constants. */
const { HOLD_ITEM, ...methods } = fixture;

/** How many times each item ran, from the tally files of every worker process. */
function executions(dir: string, kind: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const file of readdirSync(dir).filter((name) => name.startsWith(`${kind}-`))) {
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      if (line !== "") counts.set(line, (counts.get(line) ?? 0) + 1);
    }
  }
  return counts;
}

describeWithRedis("bullmq worker processes", () => {
  let redis: RedisServer;
  let tally: string;
  const workers: WorkerProcess[] = [];
  const runners: Runner<unknown, unknown>[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await Promise.all(runners.map((runner) => runner.close()));
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    await redis.dispose();
  });

  function tallyDir(): string {
    tally = mkdtempSync(join(tmpdir(), "flowc-tally-"));
    return tally;
  }

  /** Three serve.ts worker processes of `plan` (an export of plans.ts), each tallying its calls under `dir`. */
  async function threeServers(plan: "squarePlan" | "busyPlan", dir: string): Promise<WorkerProcess[]> {
    const started = await Promise.all(
      [0, 1, 2].map(() =>
        spawnWorker([join(fixtures, "serve.ts"), plan, redis.url], /^ready$/m, { FLOWC_TEST_TALLY: dir }),
      ),
    );
    workers.push(...started);
    return started;
  }

  /** A runner of `plan` on the test's Redis, closed after the tests. */
  function bullmqRunner(plan: PlanDescriptor): Runner<number[], number[]> {
    const runner = createRunner<number[], number[]>(plan, methods, { backend: bullmq({ connection: redis.url }) });
    runners.push(runner as Runner<unknown, unknown>);
    return runner;
  }

  it("completes 10,000 items on 3 workers with one SIGKILLed mid-shard: every output once, some items run twice", async () => {
    const dir = tallyDir();
    const started = await threeServers("squarePlan", dir);
    const runner = bullmqRunner(squarePlan);
    const lost: FlowEvent[] = [];
    const down: FlowEvent[] = [];
    const items = Array.from({ length: 10_000 }, (_, i) => i);
    const run = runner.run(items, {
      onEvent: (event) => {
        if (event.type === "shard:end" && !event.ok) lost.push(event);
        if (event.type === "worker:down") down.push(event);
      },
    });
    // Observed now, awaited below: a failed assertion before then must not leave it rejecting unhandled at close.
    run.catch(() => undefined);

    // The first worker to reach the held item stops inside its shard and says which it is.
    await until(() => existsSync(join(dir, "hold")), 20_000, "a worker to hold its shard");
    const pid = Number(readFileSync(join(dir, "hold"), "utf8"));
    const victim = started.find((worker) => worker.child.pid === pid);
    expect(victim).toBeDefined();
    victim?.child.kill("SIGKILL");
    expect(await victim?.exited).toBe("SIGKILL");

    const output = await run;
    expect(output).toHaveLength(10_000);
    expect(output.every((value, i) => value === i * i)).toBe(true);

    const counts = executions(dir, "square");
    expect(counts.size).toBe(10_000);
    const twice = [...counts].filter(([, n]) => n > 1).map(([item]) => Number(item));
    // The shard of the held item ran again elsewhere: the items the victim had done before it ran twice.
    expect(twice).toContain(HOLD_ITEM);
    expect(twice.length).toBeGreaterThan(1);
    expect(twice.every((item) => Math.floor(item / 128) === Math.floor(HOLD_ITEM / 128))).toBe(true);
    expect(lost.map((event) => event.type === "shard:end" && event.first)).toEqual([Math.floor(HOLD_ITEM / 128) * 128]);
    // The worker that lost the shard is reported gone, as a crash.
    expect(down.map((event) => event.type === "worker:down" && [event.worker, event.reason])).toEqual([
      [lost[0]?.type === "shard:end" ? lost[0].worker : -1, "crash"],
    ]);
    for (const worker of started) if (worker !== victim) worker.child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("keeps the lock of a shard of synchronous calls that runs longer than the lock: every item runs once", async () => {
    const dir = tallyDir();
    // Workers' locks last 3 s (serve.ts); each of the two shards blocks its worker for 20 × 200 ms, while the
    // third worker, idle, checks for stalled jobs twice a second and would take over a shard whose lock lapsed.
    const started = await threeServers("busyPlan", dir);
    const runner = bullmqRunner(busyPlan);
    const items = Array.from({ length: 40 }, (_, i) => i);
    await expect(runner.run(items)).resolves.toEqual(items);
    for (const worker of started) worker.child.kill("SIGTERM");
    await Promise.all(started.map((worker) => worker.exited));
    const counts = executions(dir, "busy");
    expect(counts.size).toBe(40);
    expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("flowc worker finishes its job in flight on SIGTERM, logs each queue it served, and exits 0", async () => {
    const dir = tallyDir();
    const env = { FLOWC_TEST_TALLY: dir, FLOWC_TEST_NAP_MS: "800" };
    const cli = ["src/cli/main.ts", "worker", join(fixtures, "naps.flow.ts"), "--redis", redis.url];
    const leaving = await spawnWorker(cli, /serving nap/, env);
    workers.push(leaving);
    expect(leaving.stderr()).toMatch(
      /^flowc worker: serving nap \(parallel, 1 at a time\) from queue flowc:naps\.[0-9a-f]{16}\.nap$/m,
    );
    const runner = bullmqRunner(napPlan);
    const run = runner.run([10, 20, 30, 40]);

    await until(
      () => readdirSync(dir).some((name) => name === `nap-start-${leaving.child.pid}.log`),
      20_000,
      "a nap to start",
    );
    // A second worker takes over the items the first one leaves.
    const staying = await spawnWorker(cli, /serving nap/, env);
    workers.push(staying);
    leaving.child.kill("SIGTERM");
    expect(await leaving.exited).toBe(0);
    expect(leaving.stderr()).toContain(
      "flowc worker: SIGTERM: finishing the jobs in flight, then stopping\nflowc worker: stopped\n",
    );

    await expect(run).resolves.toEqual([11, 21, 31, 41]);
    const started = readFileSync(join(dir, `nap-start-${leaving.child.pid}.log`), "utf8");
    const ended = readFileSync(join(dir, `nap-end-${leaving.child.pid}.log`), "utf8");
    // Whatever the leaving worker had started, it finished before exiting.
    expect(ended).toBe(started);
    staying.child.kill("SIGTERM");
    expect(await staying.exited).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("flowc worker hands a job back when it runs past --grace, and another worker completes it", async () => {
    const dir = tallyDir();
    const env = { FLOWC_TEST_TALLY: dir, FLOWC_TEST_NAP_MS: "3000" };
    const cli = ["src/cli/main.ts", "worker", join(fixtures, "naps.flow.ts"), "--redis", redis.url];
    const leaving = await spawnWorker([...cli, "--grace", "200ms"], /serving nap/, env);
    workers.push(leaving);
    const runner = bullmqRunner(napPlan);
    const run = runner.run([5]);
    await until(
      () => readdirSync(dir).some((name) => name === `nap-start-${leaving.child.pid}.log`),
      20_000,
      "the nap to start",
    );
    leaving.child.kill("SIGTERM");
    expect(await leaving.exited).toBe(0);
    expect(existsSync(join(dir, `nap-end-${leaving.child.pid}.log`))).toBe(false);

    const staying = await spawnWorker(cli, /serving nap/, {
      ...env,
      FLOWC_TEST_NAP_MS: "10",
    });
    workers.push(staying);
    await expect(run).resolves.toEqual([6]);
    expect(readFileSync(join(dir, `nap-end-${staying.child.pid}.log`), "utf8")).toBe("5\n");
    staying.child.kill("SIGTERM");
    expect(await staying.exited).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
