/**
 * Throughput of the bullmq backend: a 20,000-item parallel stage of a
 * trivial method (`x + 1`) over 2 worker processes, against the same work
 * written on raw BullMQ — `Queue.addBulk` of the same batches (the shard size
 * the backend picks) and a `Worker` per process returning each batch's
 * results, collected through `QueueEvents`. Both use one Redis started here
 * (persistence off), one job at a time per worker. Median of ROUNDS runs
 * after a warm-up run, the two kinds alternating; also the median of the
 * per-round ratios, which load from elsewhere on the machine disturbs least.
 * Target: flowc ≥ 80 % of raw throughput.
 *
 *   npx tsx bench/bullmq-throughput.ts                # 7 rounds of 20,000 items
 *   ROUNDS=9 ITEMS=50000 npx tsx bench/bullmq-throughput.ts
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue, QueueEvents } from "bullmq";
import { shardSizeFor } from "../stdlib/backends/bullmq/backend.js";
import { bullmq, createRunner } from "../stdlib/index.js";
import { inc, incPlan, RAW_QUEUE } from "./bullmq-plan.js";

const ITEMS = Number(process.env["ITEMS"] ?? 20_000);
const ROUNDS = Math.max(5, Number(process.env["ROUNDS"] ?? 7));
const WORKERS = 2;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn("redis-server", [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
  ]);
  await new Promise<void>((resolve, reject) => {
    let log = "";
    child.stdout.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("Ready to accept connections")) resolve();
    });
    child.once("exit", () => reject(new Error(`redis-server did not start:\n${log}`)));
  });
  return child;
}

async function startWorkers(mode: "flowc" | "raw", url: string): Promise<ChildProcess[]> {
  const script = fileURLToPath(new URL("./bullmq-worker.ts", import.meta.url));
  return Promise.all(
    Array.from({ length: WORKERS }, async () => {
      const child = spawn(process.execPath, ["--import", "tsx", script, mode, url], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      await new Promise<void>((resolve) =>
        child.stdout?.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve()),
      );
      return child;
    }),
  );
}

async function stopWorkers(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((child) => new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGTERM")))),
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const items = Array.from({ length: ITEMS }, (_, i) => i);
const check = (output: readonly number[]): void => {
  if (output.length !== ITEMS || output.some((value, i) => value !== i + 1)) throw new Error("wrong output");
};

async function main(): Promise<void> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "flowc-bench-redis-"));
  const redis = await startRedis(port, dir);
  const url = `redis://127.0.0.1:${port}`;
  const version = spawnSync("redis-server", ["--version"], {
    encoding: "utf8",
  }).stdout.trim();
  const shard = shardSizeFor(ITEMS, incPlan.methods[0]?.minWorkers ?? WORKERS, null, 128);
  try {
    // Both sets of workers wait side by side and the runs alternate, so that load from elsewhere on the machine
    // weighs on both alike. Idle workers only wait in a blocking Redis read.
    const flowcWorkers = await startWorkers("flowc", url);
    const rawWorkers = await startWorkers("raw", url);

    // flowc: the backend, as a user runs it.
    const runner = createRunner<number[], number[]>(incPlan, { inc }, { backend: bullmq({ connection: url }) });
    const flowcRun = async (): Promise<number> => {
      const start = performance.now();
      check(await runner.run(items));
      return performance.now() - start;
    };

    // raw: the same batches on BullMQ by hand.
    const connection = { host: "127.0.0.1", port, maxRetriesPerRequest: null };
    const queue = new Queue(RAW_QUEUE, { connection });
    const events = new QueueEvents(RAW_QUEUE, { connection });
    await events.waitUntilReady();
    let round = 0;
    const rawRun = async (): Promise<number> => {
      const start = performance.now();
      const prefix = `r${++round}-`;
      const output = new Array<number>(ITEMS);
      let pending = Math.ceil(ITEMS / shard);
      const done = new Promise<void>((resolve) => {
        const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }): void => {
          if (!jobId.startsWith(prefix)) return;
          const first = Number(jobId.slice(prefix.length)) * shard;
          const values = (typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue) as number[];
          values.forEach((value, i) => (output[first + i] = value));
          if (--pending === 0) {
            events.off("completed", onCompleted);
            resolve();
          }
        };
        events.on("completed", onCompleted);
      });
      const jobs = [];
      for (let first = 0, n = 0; first < ITEMS; first += shard, n++) {
        jobs.push({
          name: "inc",
          data: { items: items.slice(first, first + shard) },
          opts: { jobId: `${prefix}${n}`, removeOnComplete: true },
        });
      }
      await queue.addBulk(jobs);
      await done;
      check(output);
      return performance.now() - start;
    };

    await flowcRun();
    await rawRun();
    const flowcTimes: number[] = [];
    const rawTimes: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate which goes first, so neither always runs on the other's leftovers.
      if (i % 2 === 0) {
        flowcTimes.push(await flowcRun());
        rawTimes.push(await rawRun());
      } else {
        rawTimes.push(await rawRun());
        flowcTimes.push(await flowcRun());
      }
    }
    await runner.close();
    await events.close();
    await queue.close();
    await stopWorkers([...flowcWorkers, ...rawWorkers]);

    const flowcMs = median(flowcTimes);
    const rawMs = median(rawTimes);
    const perSecond = (ms: number): string => `${Math.round((ITEMS / ms) * 1000).toLocaleString("en")} items/s`;
    const cpu = cpus();
    console.log(`machine: ${cpu[0]?.model ?? "?"} × ${cpu.length} cores, Node ${process.version}, ${version}`);
    console.log(
      `${ITEMS.toLocaleString("en")} items, ${WORKERS} worker processes, shards of ${shard} items, median of ${ROUNDS} runs after a warm-up`,
    );
    console.log(
      `raw BullMQ   ${rawMs.toFixed(1).padStart(8)} ms  ${perSecond(rawMs)}   (runs: ${rawTimes.map((t) => t.toFixed(0)).join(", ")})`,
    );
    console.log(
      `flowc bullmq ${flowcMs.toFixed(1).padStart(8)} ms  ${perSecond(flowcMs)}   (runs: ${flowcTimes.map((t) => t.toFixed(0)).join(", ")})`,
    );
    // Each round's two runs ran back to back, so their ratio is the least disturbed by load from elsewhere.
    const paired = median(rawTimes.map((raw, i) => raw / (flowcTimes[i] ?? raw)));
    console.log(
      `flowc / raw throughput: ${((rawMs / flowcMs) * 100).toFixed(0)} % of medians, ${(paired * 100).toFixed(0)} % median of rounds (target ≥ 80 %)`,
    );
  } finally {
    redis.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
