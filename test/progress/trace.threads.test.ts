/**
 * The trace of a run on the threads backend, written through the run option
 * `trace`: real multi-item shards on worker threads numbered by thread id.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { FlowEvent } from "../../stdlib/api.js";
import { WORKERS_PID, type TraceFile } from "../../stdlib/trace.js";
import * as methods from "../fixtures/threads/threads.methods.js";
import { buildPlan } from "../runtime/plans.js";
import { threadRunners } from "../runtime/threads-harness.js";

const make = threadRunners();
const scratch = mkdtempSync(join(tmpdir(), "flowc-trace-threads-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("trace of a run on worker threads", () => {
  it("has a track per thread, each shard on its thread's track, every item in one shard", async () => {
    const path = join(scratch, "threads.json");
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, shardSize: 7, exportName: "identity" } });
    const runner = make<number[], number[]>(plan, { each: methods.identity });
    const items = Array.from({ length: 50 }, (_, i) => i);
    const events: FlowEvent[] = [];
    await expect(runner.run(items, { trace: path, onEvent: (event) => events.push(event) })).resolves.toEqual(items);

    const trace = JSON.parse(readFileSync(path, "utf8")) as TraceFile;
    const tracks = trace.traceEvents
      .filter((e) => e.ph === "M" && e.name === "thread_name" && e.pid === WORKERS_PID)
      .map((e) => e.tid);
    const workersSeen = new Set(
      events.flatMap((e) => (e.type === "shard:start" || e.type === "worker:up" ? [e.worker] : [])),
    );
    expect(new Set(tracks)).toEqual(workersSeen);
    expect(tracks).toHaveLength(workersSeen.size);

    const shardWorker = new Map(
      events.flatMap((e) => (e.type === "shard:start" ? [[`${e.first}`, e.worker] as const] : [])),
    );
    const shards = trace.traceEvents.filter((e) => e.ph === "X" && e.cat === "shard");
    expect(shards.length).toBe(Math.ceil(items.length / 7));
    for (const shard of shards) {
      const args = shard.args as { first: number; items: number; ok: boolean };
      expect(shard.tid).toBe(shardWorker.get(`${args.first}`));
      expect(args.ok).toBe(true);
    }
    const covered = shards.flatMap((shard) => {
      const args = shard.args as { first: number; items: number };
      return Array.from({ length: args.items }, (_, i) => args.first + i);
    });
    expect(covered.sort((a, b) => a - b)).toEqual(items);

    const times = trace.traceEvents.filter((e) => e.ph !== "M").map((e) => e.ts);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!);
  });
});
