import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { compileFiles } from "../../src/cli/compile-files.js";
import { loadMethods } from "../../src/run/load-methods.js";
import { createRunner, createWorker, type FlowWorker } from "../../stdlib/index.js";
import { root, spawnWorker, type WorkerProcess } from "./processes.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

/** Runs the CLI from source to completion. */
function flowc(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

describeWithRedis("flowc run and flowc worker on the bullmq backend", () => {
  let redis: RedisServer;
  const workers: FlowWorker[] = [];
  let cliWorker: WorkerProcess | undefined;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    cliWorker?.child.kill("SIGKILL");
    await Promise.all(workers.map((worker) => worker.close()));
    await redis.dispose();
  });

  it("runs word-count with `flowc run --backend bullmq` on a `flowc worker` of the manifest and two embedded workers", async () => {
    const manifest = "examples/word-count/word-count.flow";
    cliWorker = await spawnWorker(["src/cli/main.ts", "worker", manifest, "--redis", redis.url], /serving mergeCounts/);
    expect(cliWorker.stderr()).toMatch(
      /^flowc worker: serving splitChapters \(single, 1 at a time\) from queue flowc:word-count\.[0-9a-f]{16}\.splitChapters\n/,
    );
    // min_worker_count is 3: two more workers, embedded in this process.
    const { results } = await compileFiles([manifest], { backend: "bullmq" }, "text");
    const compiled = results[0];
    if (compiled?.plan === undefined) throw new Error("word-count does not compile");
    const methods = await loadMethods(compiled.plan, compiled.modulePaths);
    for (let i = 0; i < 2; i++)
      workers.push(await createWorker(compiled.plan, { connection: redis.url, modules: methods }));

    const run = await flowc([
      "run",
      manifest,
      "--input",
      "@examples/word-count/input.json",
      "--backend",
      "bullmq",
      "--redis",
      redis.url,
      "--quiet",
    ]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const inline = createRunner(compiled.plan, methods);
    expect(JSON.parse(run.stdout)).toEqual(await inline.run(join("examples", "word-count", "data", "lighthouse.txt")));
    await inline.close();
  }, 120_000);
});
