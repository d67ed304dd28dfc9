/**
 * Durable runs through the real `flowc run --backend bullmq`, journaled in
 * the same private redis-server its queues use, the methods served by two
 * real `flowc worker` processes per project (started again after each code
 * change, whose plan has queues of its own): the scenarios of
 * test/cli/resume-scenarios.ts, with the killed run's workers both left
 * alone (the call it left waiting keeps one of them busy for good) and
 * killed with it, and a journal Redis that cannot be reached.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { cliPath } from "../cli/helpers.js";
import { ITEMS, ResumeProject } from "../cli/resume-project.js";
import { resumeTests } from "../cli/resume-scenarios.js";
import { ResumeSession, STEP_MS, type ResumeBackend } from "../cli/resume-session.js";
import { spawnWorker, type WorkerProcess } from "./processes.js";
import { describeWithRedis, freePort, RedisServer } from "./redis-server.js";

/** The projects' folder, and the rebuild cache they share (see test/cli/resume.test.ts). */
let scratch = "";
const env: Record<string, string> = {};

/** The `flowc worker` processes of each project. */
const workers = new Map<ResumeProject, WorkerProcess[]>();

async function stopWorkers(project: ResumeProject): Promise<void> {
  const going = workers.get(project) ?? [];
  workers.delete(project);
  for (const worker of going) worker.child.kill("SIGKILL");
  await Promise.all(going.map((worker) => worker.exited));
}

describeWithRedis("flowc run --backend bullmq: durable runs", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "flowc-resume-bullmq-"));
    env["FLOWC_CACHE_DIR"] = join(scratch, "cache");
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await Promise.all([...workers.keys()].map(stopWorkers));
    await redis.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Two workers of the project's manifest as it is now, in place of any it had. */
  async function serve(project: ResumeProject): Promise<void> {
    await stopWorkers(project);
    const started = await Promise.all(
      [1, 2].map(() =>
        spawnWorker(
          [cliPath, "worker", project.manifest, "--redis", redis.url],
          /^flowc worker: serving report /m,
          env,
        ),
      ),
    );
    workers.set(project, started);
  }

  const backend = (): ResumeBackend => ({
    name: "bullmq",
    // Until both workers serve the plan: they may still be registering when a run starts.
    runArgs: ["--backend", "bullmq", "--redis", redis.url, "--worker-wait", "60s"],
    runsArgs: ["--redis", redis.url],
    env,
    serve,
    restartKilled: serve,
  });

  const sessions: ResumeSession[] = [];
  afterEach(async () => {
    for (const session of sessions.splice(0)) {
      session.stop();
      await stopWorkers(session.project);
    }
  });
  let projects = 0;
  function session(overrides: Partial<ResumeBackend> = {}): ResumeSession {
    const created = new ResumeSession(new ResumeProject(join(scratch, `bullmq-${++projects}`)), {
      ...backend(),
      ...overrides,
    });
    sessions.push(created);
    return created;
  }

  resumeTests(session, true);

  it(
    "a journal Redis that cannot be reached is named and nothing runs",
    async () => {
      const url = `redis://127.0.0.1:${await freePort()}`;
      const current = session({ runArgs: ["--backend", "bullmq", "--redis", url] });
      const result = await current.run(["--input", String(ITEMS)]);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(
        `flowc: The run journal at ${url} (prefix flowc) cannot be reached: connect ECONNREFUSED ${url.slice("redis://".length)}.\n`,
      );
      expect(current.project.calls("1").calls).toEqual({});
    },
    STEP_MS,
  );
});
