/**
 * The conformance sections about the runner around the backend: plans it
 * refuses, the events it reports, and its lifecycle.
 */
import { describe, expect, it } from "vitest";
import { ErrorCode, PlanError, WorkerCapError, type FlowEvent, type RunContext } from "../../stdlib/index.js";
import * as fixtures from "../fixtures/threads/conformance.methods.js";
import { brief, type Make } from "./conformance-harness.js";
import { callEvents, shardEventProblems } from "./event-checks.js";
import { deferred, settle, untilAborted } from "./latch.js";
import { buildPlan, chain } from "./plans.js";

export function describeRefusals(make: Make): void {
  describe("refusals", () => {
    it("refuses a plan whose parallel method needs more workers than allowed, calling nothing", async () => {
      let calls = 0;
      const plan = buildPlan({ transform: { mode: "parallel", minWorkers: 4 } });
      const runner = make<number[], number[]>(plan, { transform: (x: number) => (calls++, x) }, { workers: 2 });
      const error = await runner.run([1, 2, 3]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerCapError);
      expect(error).toBeInstanceOf(PlanError);
      expect(error).toMatchObject({ code: ErrorCode.WorkerCap, methods: ["transform"], required: 4, allowed: 2 });
      // In the words of `flowc check --workers 2` (FLOW3009), with the runner's option as the limit.
      expect((error as Error).message).toBe(
        "'transform' needs at least 4 workers but only 2 are available (workers: 2).",
      );
      expect(calls).toBe(0);
    });

    it("refuses a plan whose concurrently runnable methods together need more workers than allowed", async () => {
      let calls = 0;
      const count = (x: number): number => (calls++, x);
      const plan = buildPlan({ a: {}, b: {}, c: { mode: "parallel", minWorkers: 2 }, d: {} }, [
        ["a", "b"],
        ["a", "c"],
        ["a", "d"],
      ]);
      const runner = make(plan, { a: count, b: count, c: count, d: count }, { workers: 3 });
      const error = await runner.run(1).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.WorkerCap, methods: ["b", "c", "d"], required: 4, allowed: 3 });
      expect((error as Error).message).toBe(
        "Methods that can run at the same time need more workers than the 3 available (workers: 3): b (1) + c (2) + d (1) = 4.",
      );
      expect(calls).toBe(0);
    });

    it("refuses a method table that lacks a method of the plan", () => {
      const plan = chain("extract", "transform", "load");
      // An inherited member such as `toString` must not pass for a method either.
      expect(() => make(chain("toString"), {})).toThrow("Plan 'test' needs a method the method table does not provide");
      let error: unknown;
      try {
        make(plan, { extract: () => 1 });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(PlanError);
      expect(error).toMatchObject({ code: ErrorCode.MissingMethod, methods: ["transform", "load"] });
      expect((error as Error).message).toBe(
        "Plan 'test' needs methods the method table does not provide: 'transform' (export 'transform' of './test.methods'), " +
          "'load' (export 'load' of './test.methods'). Provided: extract.",
      );
    });
  });
}

export function describeEvents(make: Make): void {
  describe("events", () => {
    it("reports a successful run in order, to the runner's and the run's listeners", async () => {
      const runnerEvents: FlowEvent[] = [];
      const runEvents: FlowEvent[] = [];
      const plan = buildPlan(
        { a: {}, each: { mode: "parallel", minWorkers: 2, retries: 1, exportName: "failOnceOn2" }, z: {} },
        [
          ["a", "each"],
          ["each", "z"],
        ],
      );
      const runner = make<number, number>(
        plan,
        { a: (n: number) => [n, n + 1], each: fixtures.failOnceOn2, z: (xs: number[]) => xs.length },
        { onEvent: (event) => runnerEvents.push(event) },
      );
      await expect(runner.run(1, { onEvent: (event) => runEvents.push(event) })).resolves.toBe(2);
      expect(callEvents(runEvents).map(brief)).toEqual([
        "run:start",
        "method:start a",
        "method:end a ok",
        "method:start each [2]",
        "call:retry each#1 attempt 1",
        "method:end each ok",
        "method:start z",
        "method:end z ok",
        "run:end ok",
      ]);
      expect(runnerEvents).toEqual(runEvents);
      const runIds = new Set(runEvents.map((event) => event.runId));
      expect(runIds.size).toBe(1);
      expect(runEvents.every((event) => typeof event.time === "number")).toBe(true);
    });

    it("reports every call as a shard on an announced worker, and every item of a stage once", async () => {
      const events: FlowEvent[] = [];
      const plan = buildPlan({ split: {}, each: { mode: "parallel", minWorkers: 2, exportName: "double" }, sum: {} }, [
        ["split", "each"],
        ["each", "sum"],
      ]);
      const runner = make<number, number>(plan, {
        split: (n: number) => Array.from({ length: n }, (_, i) => i),
        each: fixtures.double,
        sum: (xs: number[]) => xs.reduce((a, b) => a + b, 0),
      });
      await expect(runner.run(300, { onEvent: (event) => events.push(event) })).resolves.toBe(299 * 300);
      expect(shardEventProblems(events, { ok: true, items: { each: 300 } })).toEqual([]);
      // A single method's call is a shard of one item.
      const singles = events.filter((event) => event.type === "shard:end" && event.method !== "each");
      expect(
        singles.map((event) => event.type === "shard:end" && [event.method, event.first, event.count, event.ok]),
      ).toEqual([
        ["split", 0, 1, true],
        ["sum", 0, 1, true],
      ]);
      // Nothing about shards before the run starts or after it ends.
      expect(events[0]?.type).toBe("run:start");
      expect(events[events.length - 1]?.type).toBe("run:end");
    });

    it("reports a failed run: the failure, every method still in flight, then run:end last", async () => {
      const events: FlowEvent[] = [];
      const cStarted = deferred();
      const plan = buildPlan({ a: {}, b: {}, c: {} }, [
        ["a", "b"],
        ["a", "c"],
      ]);
      const runner = make<number, unknown>(plan, {
        a: (x: number) => x,
        b: async () => {
          await cStarted.promise;
          throw new Error("b broke");
        },
        c: (_: number, context: RunContext) => {
          cStarted.resolve();
          return untilAborted(context.signal);
        },
      });
      const error = await runner.run(1, { onEvent: (event) => events.push(event) }).catch((e: unknown) => e);
      await settle();
      expect(callEvents(events).map(brief)).toEqual([
        "run:start",
        "method:start a",
        "method:end a ok",
        "method:start b",
        "method:start c",
        "call:fail b after 1",
        "method:end b failed",
        "method:end c failed",
        "run:end failed",
      ]);
      const last = events[events.length - 1];
      expect(last?.type === "run:end" ? last.error : undefined).toBe(error);
    });
  });
}

export function describeLifecycle(make: Make): void {
  describe("lifecycle", () => {
    it("rejects runs after close, and close can be called again", async () => {
      const runner = make<number, number>(chain("a"), { a: (x: number) => x });
      await expect(runner.run(1)).resolves.toBe(1);
      await runner.close();
      await runner.close();
      const error = await runner.run(1).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.RunnerClosed, message: "The runner of plan 'test' is closed." });
    });
  });
}
