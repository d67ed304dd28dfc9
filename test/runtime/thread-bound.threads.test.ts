/**
 * The threads backend refuses, before any thread starts, a plan whose stages
 * need more threads at once than the machine can sanely give.
 */
import { availableParallelism, totalmem } from "node:os";
import { describe, expect, it } from "vitest";
import { ErrorCode, PlanError, peakDemand } from "../../stdlib/index.js";
import { checkThreadBound, threadBound } from "../../stdlib/backends/threads/thread-bound.js";
import * as methods from "../fixtures/threads/threads.methods.js";
import { buildPlan } from "./plans.js";
import { recorder, threadRunners } from "./threads-harness.js";

const make = threadRunners();
const machine = Math.max(1, Math.min(8 * availableParallelism(), Math.floor(totalmem() / 2 ** 20 / 2 / 64)));

describe("threads: the bound on threads at once", () => {
  it("is 8 per core, or half the memory at 64 MB a thread if that is less", () => {
    expect(threadBound(undefined, undefined).threads).toBe(machine);
  });

  it("is raised by an explicit maxThreads or runner option 'workers' above it, never lowered", () => {
    expect(threadBound(machine + 5, undefined)).toEqual({
      threads: machine + 5,
      reason: `threads({ maxThreads: ${machine + 5} })`,
    });
    expect(threadBound(undefined, machine + 3)).toEqual({
      threads: machine + 3,
      reason: `the runner option 'workers: ${machine + 3}'`,
    });
    expect(threadBound(1, 1).threads).toBe(machine);
  });

  it("refuses a stage that needs more, naming the method, what it needs and the bound, and starts no thread", async () => {
    const { events, onEvent } = recorder();
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: machine + 1, exportName: "triple" } });
    const runner = make<number[], number[]>(plan, { each: methods.triple });
    const error = await runner.run([1, 2, 3], { onEvent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect(error).toMatchObject({ code: ErrorCode.TooManyThreads, methods: ["each"] });
    expect((error as PlanError).message).toMatch(
      new RegExp(
        `^Plan 'test': method 'each' needs ${machine + 1} threads \\(min_worker_count\\), more than the threads ` +
          `backend runs at once: ${machine} \\(this machine's bound: .*\\)\\. Lower min_worker_count\\.$`,
      ),
    );
    expect(events.filter((event) => event.type === "worker:up")).toEqual([]);
  });

  it("refuses methods that run at the same time and together need more, naming them", () => {
    const half = Math.floor(machine / 2) + 1;
    const plan = buildPlan({
      a: { mode: "parallel", minWorkers: half },
      b: { mode: "parallel", minWorkers: half },
    });
    const bound = threadBound(undefined, undefined);
    expect(() => checkThreadBound(plan, peakDemand(plan), bound)).toThrow(
      `Plan 'test': methods 'a', 'b' run at the same time and need ${2 * half} threads together, more than the ` +
        `threads backend runs at once: ${machine} (${bound.reason}). Lower min_worker_count.`,
    );
  });
});
