/**
 * Skips, branches and failures through the real `flowc run --backend bullmq`,
 * its methods served by two real `flowc worker` processes per manifest (so
 * that a parallel stage with `min_worker_count: 2` has its two workers)
 * against a private redis-server. The scenarios and their checks are those
 * of the inline and threads backends (test/cli/routing-scenarios.ts); calls
 * are counted with marker files, written in the worker processes.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { cliPath, flowc } from "../cli/helpers.js";
import { scenarios, type Scenario, type ScenarioRun } from "../cli/routing-scenarios.js";
import { MARKS_ENV, readMarks } from "../fixtures/cli/routing/marks.js";
import { spawnWorker, type WorkerProcess } from "./processes.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

/** The scenarios by manifest, in the order they are listed. */
function byManifest(): Map<string, Scenario[]> {
  const groups = new Map<string, Scenario[]>();
  for (const scenario of Object.values(scenarios)) {
    groups.set(scenario.manifest, [...(groups.get(scenario.manifest) ?? []), scenario]);
  }
  return groups;
}

describeWithRedis("flowc run --backend bullmq: skips, branches and failures", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await redis.dispose();
  });

  for (const [manifest, group] of byManifest()) {
    describe(manifest, () => {
      // The workers' environment is fixed when they start: one folder for the manifest, emptied before each run.
      const marks = mkdtempSync(join(tmpdir(), "flowc-routing-"));
      let workers: readonly WorkerProcess[] = [];
      beforeAll(async () => {
        workers = await Promise.all(
          [1, 2].map(() =>
            spawnWorker([cliPath, "worker", manifest, "--redis", redis.url], /^flowc worker: serving /m, {
              [MARKS_ENV]: marks,
            }),
          ),
        );
      });
      afterAll(async () => {
        for (const worker of workers) worker.child.kill("SIGKILL");
        await Promise.all(workers.map((worker) => worker.exited));
        rmSync(marks, { recursive: true, force: true });
      });

      const run = (scenario: Scenario): ScenarioRun => {
        for (const file of readdirSync(marks)) rmSync(join(marks, file));
        const result = flowc([
          "run",
          scenario.manifest,
          "--input",
          JSON.stringify(scenario.input),
          "--backend",
          "bullmq",
          "--redis",
          redis.url,
          // Until both workers serve it; they start at the same time as the run.
          "--worker-wait",
          "50s",
        ]);
        return { ...result, ...readMarks(marks) };
      };

      for (const scenario of group) {
        it(scenario.name, () => scenario.check(run(scenario)), 60_000);
      }
    });
  }
});
