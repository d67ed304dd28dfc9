/**
 * A call that runs past its timeout without ever yielding is stopped and
 * counts as a timed-out attempt, whatever thread it runs on: on a worker
 * thread the calling thread terminates and replaces the thread; in the
 * calling thread its synchronous part is interrupted. Retries then apply,
 * attempts numbered on, and no item is lost or returned twice.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createRunner,
  inline,
  MethodError,
  MethodTimeoutError,
  threads,
  type FlowEvent,
  type MethodTable,
  type PlanDescriptor,
  type RunContext,
  type Runner,
  type RunnerOptions,
} from "../../stdlib/index.js";
import * as methods from "../fixtures/threads/threads.methods.js";
import { shared } from "../fixtures/threads/shared-state.js";
import { shardEventProblems } from "./event-checks.js";
import { buildPlan } from "./plans.js";
import { crashes, recorder, THREAD_MODULES } from "./threads-harness.js";

const runners: Runner<unknown, unknown>[] = [];
beforeEach(() => shared.reset());
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.close()));
});

function make<I, O>(plan: PlanDescriptor, table: MethodTable, options: RunnerOptions): Runner<I, O> {
  const runner = createRunner<I, O>(plan, table, {
    retryBackoff: { baseMs: 1, maxMs: 4 },
    modules: THREAD_MODULES,
    ...options,
  });
  runners.push(runner as Runner<unknown, unknown>);
  return runner;
}

/** How many times each item was called, from the fixture's log. */
function callsByItem(): Map<number, number[]> {
  const calls = new Map<number, number[]>();
  for (const { item, attempt } of shared.records() as { item: number; attempt: number }[]) {
    calls.set(item, [...(calls.get(item) ?? []), attempt]);
  }
  return calls;
}

const items = Array.from({ length: 100 }, (_, i) => i);
const TARGET = 37;

describe("threads: a parallel call that never yields past its timeout", () => {
  // The grace after the deadline is `cancelGraceMs`; short here so that the tests stay quick.
  const backend = () => threads({ cancelGraceMs: 50 });

  for (const exportName of ["spinFirstAttemptOnTarget", "spinAfterAwaitOnTarget"] as const) {
    it(`stops its thread, retries the item elsewhere with attempt 2, and loses nothing (${exportName})`, async () => {
      shared.set("target", TARGET);
      const { events, onEvent } = recorder();
      const plan = buildPlan({
        each: { mode: "parallel", minWorkers: 2, timeoutMs: 200, retries: 1, shardSize: 20, exportName },
      });
      const runner = make<number[], number[]>(plan, { each: methods[exportName] }, { backend: backend() });
      await expect(runner.run(items, { onEvent })).resolves.toEqual(items.map((x) => x * 3));

      const calls = callsByItem();
      expect(calls.get(TARGET)).toEqual([1, 2]);
      for (const item of items) {
        const attempts = calls.get(item) ?? [];
        // Items after the stuck one never started on its thread: they ran once, elsewhere. Those before
        // it in its shard (20–36) ran again, their outputs having gone with the thread; every other item ran once.
        if (item === TARGET) continue;
        if (item >= 20 && item < TARGET) expect(attempts, `item ${item}`).toEqual([1, 1]);
        else expect(attempts, `item ${item}`).toEqual([1]);
      }
      const retries = events.filter((event) => event.type === "call:retry");
      expect(retries).toHaveLength(1);
      expect(retries[0]).toMatchObject({ method: "each", item: TARGET, attempt: 1 });
      const error = (retries[0] as Extract<FlowEvent, { type: "call:retry" }>).error;
      expect(error).toBeInstanceOf(MethodTimeoutError);
      expect(error).toMatchObject({ method: "each", item: TARGET, timeoutMs: 200, message: "timed out after 200 ms" });
      expect(crashes(events)).toBe(1);
      expect(shardEventProblems(events, { ok: true, items: { each: items.length } })).toEqual([]);
    });
  }

  it("fails the run once its retries are used up, naming the method, the item, the attempts and the timeout", async () => {
    shared.set("target", TARGET);
    const { events, onEvent } = recorder();
    const plan = buildPlan({
      each: { mode: "parallel", minWorkers: 2, timeoutMs: 150, retries: 2, exportName: "spinAlwaysOnTarget" },
    });
    const runner = make<number[], number[]>(plan, { each: methods.spinAlwaysOnTarget }, { backend: backend() });
    const error = await runner.run(items, { onEvent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    expect((error as MethodError).message).toBe(
      "Method 'each' failed on item 37 after 3 attempts: timed out after 150 ms",
    );
    expect((error as MethodError).cause).toBeInstanceOf(MethodTimeoutError);
    expect(callsByItem().get(TARGET)).toEqual([1, 2, 3]);
    expect(events.filter((event) => event.type === "call:retry").map((event) => event.attempt)).toEqual([1, 2]);
    expect(events.filter((event) => event.type === "call:fail")).toMatchObject([{ item: TARGET, attempts: 3 }]);
  });
});

describe("calls in the calling thread: the synchronous part is interrupted at the timeout", () => {
  const spinOnFirstAttempt = (x: number, context: RunContext): number => {
    shared.record({ item: context.item ?? -1, attempt: context.attempt });
    if (context.attempt === 1) for (;;);
    return x + 1;
  };
  // Up to its first `await`, an async method runs synchronously too.
  const spinBeforeAwait = async (x: number, context: RunContext): Promise<number> => {
    shared.record({ item: context.item ?? -1, attempt: context.attempt });
    if (context.attempt === 1) for (;;);
    await null;
    return x + 1;
  };

  for (const backendName of ["inline", "threads"] as const) {
    for (const [kind, fn] of [
      ["synchronous", spinOnFirstAttempt],
      ["async", spinBeforeAwait],
    ] as const) {
      it(`${backendName}: a single ${kind} method is stopped, counted as timed out and retried`, async () => {
        const { events, onEvent } = recorder();
        const backend = backendName === "inline" ? inline() : threads();
        const runner = make<number, number>(
          buildPlan({ step: { timeoutMs: 100, retries: 1 } }),
          { step: fn },
          { backend },
        );
        await expect(runner.run(1, { onEvent })).resolves.toBe(2);
        expect(callsByItem().get(-1)).toEqual([1, 2]);
        const retry = events.find((event) => event.type === "call:retry");
        expect(retry).toMatchObject({ method: "step", attempt: 1 });
        expect((retry as Extract<FlowEvent, { type: "call:retry" }>).error).toBeInstanceOf(MethodTimeoutError);
      });
    }
  }

  it("inline: a parallel method that spins fails its item with the timeout", async () => {
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, timeoutMs: 100 } });
    const spinOn2 = (x: number): number => {
      if (x === 2) for (;;);
      return x;
    };
    const runner = make<number[], number[]>(plan, { each: spinOn2 }, { backend: inline() });
    const error = await runner.run([0, 1, 2, 3]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    expect((error as MethodError).message).toBe(
      "Method 'each' failed on item 2 after 1 attempt: timed out after 100 ms",
    );
  });

  it("a method without a timeout is called as it is, outside any script", async () => {
    const stack = (): string => new Error("where").stack ?? "";
    const runner = make<number, string>(buildPlan({ step: {} }), { step: stack }, { backend: inline() });
    expect(await runner.run(1)).not.toContain("flowc:interruptible-call");
  });
});
