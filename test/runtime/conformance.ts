/**
 * The behaviour every backend must show, written against the public runtime
 * API only. Each backend runs it from its own test file:
 *
 *   describeBackendConformance("inline", () => inline());
 *
 * Concurrency is proven with latches (a call waits until others are in
 * flight, so a backend that serialised them would never finish), never with
 * sleeps and timings; the per-test timeout only turns such a hang into a
 * failure with the test's name.
 *
 * Parallel methods come from a fixture module (test/fixtures/threads/), which
 * every runner is told about through `modules`, so that backends that import
 * methods in other threads run exactly what in-process backends call; they
 * report what a test observes through shared memory. Single methods are
 * closures: every backend so far runs them in the calling thread.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CancelledError,
  createRunner,
  ErrorCode,
  MethodError,
  MethodTimeoutError,
  NonRetryableError,
  ParallelInputError,
  PlanError,
  WorkerCapError,
  type AnyMethod,
  type Backend,
  type FlowEvent,
  type MethodTable,
  type PlanDescriptor,
  type RunContext,
  type Runner,
  type RunnerOptions,
} from "../../stdlib/index.js";
import * as fixtures from "../fixtures/threads/conformance.methods.js";
import { shared } from "../fixtures/threads/shared-state.js";
import { callEvents, shardEventProblems } from "./event-checks.js";
import { deferred, Gauge, settle, untilAborted } from "./latch.js";
import { buildPlan, chain } from "./plans.js";

/** Where the fixture methods live, keyed by the module specifier test plans use. */
export const FIXTURE_MODULES: Readonly<Record<string, string>> = {
  "./test.methods": new URL("../fixtures/threads/conformance.methods.ts", import.meta.url).href,
};

/** Generous: only a backend that deadlocks gets near it. */
const HANG = 10_000;

/** A compact view of an event for order assertions. */
function brief(event: FlowEvent): string {
  switch (event.type) {
    case "run:start":
      return "run:start";
    case "run:end":
      return `run:end ${event.ok ? "ok" : "failed"}`;
    case "method:start":
      return `method:start ${event.method}${event.items === undefined ? "" : ` [${event.items}]`}`;
    case "method:end":
      return `method:end ${event.method} ${event.ok ? "ok" : "failed"}`;
    case "call:retry":
      return `call:retry ${event.method}${event.item === undefined ? "" : `#${event.item}`} attempt ${event.attempt}`;
    case "call:fail":
      return `call:fail ${event.method}${event.item === undefined ? "" : `#${event.item}`} after ${event.attempts}`;
    default:
      return event.type;
  }
}

export function describeBackendConformance(name: string, makeBackend: () => Backend): void {
  describe(`backend conformance: ${name}`, () => {
    const runners: Runner<unknown, unknown>[] = [];
    beforeEach(() => {
      shared.reset();
    });
    afterEach(async () => {
      await Promise.all(runners.splice(0).map((runner) => runner.close()));
    });

    function make<I = unknown, O = unknown>(
      plan: PlanDescriptor,
      methods: Record<string, AnyMethod>,
      options: RunnerOptions = {},
    ): Runner<I, O> {
      const runner = createRunner<I, O>(plan, methods as MethodTable, {
        backend: makeBackend(),
        retryBackoff: { baseMs: 1, maxMs: 4 },
        modules: FIXTURE_MODULES,
        ...options,
      });
      runners.push(runner as Runner<unknown, unknown>);
      return runner;
    }

    describe("data flow", () => {
      it("runs a chain, feeding each output to the next method", async () => {
        const calls: string[] = [];
        const runner = make<number, number>(chain("a", "b", "c"), {
          a: (x: number) => (calls.push(`a(${x})`), x + 1),
          b: async (x: number) => (calls.push(`b(${x})`), x * 2),
          c: (x: number) => (calls.push(`c(${x})`), x - 3),
        });
        await expect(runner.run(5)).resolves.toBe(9);
        expect(calls).toEqual(["a(5)", "b(6)", "c(12)"]);
        await expect(runner.run(0)).resolves.toBe(-1);
      });

      it("gives each call a context naming the method, attempt and item", async () => {
        const record = (context: RunContext): void => {
          shared.record({
            method: context.method,
            attempt: context.attempt,
            item: context.item,
            aborted: context.signal.aborted,
            isSignal: context.signal instanceof AbortSignal,
          });
        };
        const plan = buildPlan({ split: {}, each: { mode: "parallel", minWorkers: 2, exportName: "recordContext" } }, [
          ["split", "each"],
        ]);
        const runner = make<number, number[]>(plan, {
          split: (n: number, context: RunContext) => (record(context), [n, n + 1]),
          each: fixtures.recordContext,
        });
        await expect(runner.run(1)).resolves.toEqual([10, 20]);
        const seen = shared.records() as { method: string; item: number | undefined }[];
        expect(seen.sort((x, y) => `${x.method}${x.item}`.localeCompare(`${y.method}${y.item}`))).toEqual([
          { method: "each", attempt: 1, item: 0, aborted: false, isSignal: true },
          { method: "each", attempt: 1, item: 1, aborted: false, isSignal: true },
          { method: "split", attempt: 1, item: undefined, aborted: false, isSignal: true },
        ]);
      });

      it("fans out one output and fans in an object keyed by predecessor, in `inputs` order", async () => {
        const plan = buildPlan({ a: {}, b: {}, c: {}, d: { inputs: ["c", "b"] } }, [
          ["a", "b"],
          ["a", "c"],
          ["b", "d"],
          ["c", "d"],
        ]);
        let received: unknown;
        const runner = make<number, unknown>(plan, {
          a: (x: number) => x + 1,
          b: (x: number) => `b${x}`,
          c: async (x: number) => `c${x}`,
          d: (input: Record<string, string>) => {
            received = input;
            return Object.keys(input).join("+");
          },
        });
        await expect(runner.run(1)).resolves.toBe("c+b");
        expect(received).toEqual({ c: "c2", b: "b2" });
      });

      it("returns an object keyed by sink name when the plan has several sinks", async () => {
        const plan = buildPlan({ a: {}, b: {}, c: {} }, [
          ["a", "b"],
          ["a", "c"],
        ]);
        const runner = make<number, unknown>(plan, {
          a: (x: number) => x,
          b: (x: number) => x + 1,
          c: async (x: number) => x + 2,
        });
        const output = await runner.run(10);
        expect(output).toEqual({ b: 11, c: 12 });
        expect(Object.keys(output as object)).toEqual(plan.sinks);
      });

      it("gives every source the run's input", async () => {
        const plan = buildPlan({ a: {}, b: {}, join: {} }, [
          ["a", "join"],
          ["b", "join"],
        ]);
        const runner = make<string, unknown>(plan, {
          a: (x: string) => `a:${x}`,
          b: (x: string) => `b:${x}`,
          join: (input: { a: string; b: string }) => `${input.a},${input.b}`,
        });
        await expect(runner.run("in")).resolves.toBe("a:in,b:in");
      });

      it("calls methods that take no input without arguments, sources and others alike", async () => {
        const argumentCounts: Record<string, number> = {};
        const plan = buildPlan({ start: { takesInput: false }, middle: {}, tick: { takesInput: false } }, [
          ["start", "middle"],
          ["middle", "tick"],
        ]);
        const runner = make<void, string>(plan, {
          start: function (this: unknown, ...args: unknown[]) {
            argumentCounts["start"] = args.length;
            return 41;
          },
          middle: (x: number) => x + 1,
          tick: function (this: unknown, ...args: unknown[]) {
            argumentCounts["tick"] = args.length;
            return "done";
          },
        });
        await expect(runner.run(undefined)).resolves.toBe("done");
        expect(argumentCounts).toEqual({ start: 0, tick: 0 });
      });

      it("keeps concurrent runs of one runner apart", async () => {
        const gates = [deferred(), deferred()];
        const runner = make<number, number>(chain("wait", "double"), {
          wait: async (x: number) => {
            await gates[x]?.promise;
            return x + 1;
          },
          double: (x: number) => x * 2,
        });
        const first = runner.run(0);
        const second = runner.run(1);
        gates[1]?.resolve();
        await expect(second).resolves.toBe(4);
        gates[0]?.resolve();
        await expect(first).resolves.toBe(2);
      });
    });

    describe("scheduling", () => {
      it(
        "runs independent methods at the same time",
        async () => {
          const gauge = new Gauge();
          const overlapping = async (x: number): Promise<number> => {
            gauge.enter();
            await gauge.atLeast(2);
            gauge.leave();
            return x;
          };
          const plan = buildPlan({ a: {}, b: {}, c: {}, d: {} }, [
            ["a", "b"],
            ["a", "c"],
            ["b", "d"],
            ["c", "d"],
          ]);
          const runner = make<number, unknown>(plan, {
            a: (x: number) => x,
            b: overlapping,
            c: overlapping,
            d: (input: { b: number; c: number }) => input.b + input.c,
          });
          await expect(runner.run(3)).resolves.toBe(6);
          expect(gauge.max).toBe(2);
        },
        HANG,
      );

      it(
        "starts a method as soon as its own inputs are ready, not when a whole level is done",
        async () => {
          // `slow` and `fast` share a level, and so do `after` and `next`; `slow` only finishes
          // once `next` has run, which a level-by-level scheduler would never allow.
          const nextRan = deferred();
          const plan = buildPlan({ a: {}, slow: {}, fast: {}, after: {}, next: {} }, [
            ["a", "slow"],
            ["a", "fast"],
            ["slow", "after"],
            ["fast", "next"],
          ]);
          const runner = make<number, unknown>(plan, {
            a: (x: number) => x,
            slow: async (x: number) => {
              await nextRan.promise;
              return x + 1;
            },
            fast: (x: number) => x + 2,
            after: (x: number) => `after ${x}`,
            next: (x: number) => {
              nextRan.resolve();
              return `next ${x}`;
            },
          });
          await expect(runner.run(0)).resolves.toEqual({ after: "after 1", next: "next 2" });
        },
        HANG,
      );

      it(
        "maps a parallel method over its array and keeps input order when items finish out of order",
        async () => {
          const plan = buildPlan({ each: { mode: "parallel", minWorkers: 5, exportName: "heldByGate" } });
          const runner = make<number[], number[]>(plan, { each: fixtures.heldByGate });
          const run = runner.run([0, 1, 2, 3, 4]);
          await shared.gauge.atLeast(5);
          for (let item = 4; item >= 0; item--) {
            shared.gate(item).open();
            await shared.recorded(5 - item);
          }
          await expect(run).resolves.toEqual([0, 10, 20, 30, 40]);
          expect(shared.records()).toEqual([{ item: 4 }, { item: 3 }, { item: 2 }, { item: 1 }, { item: 0 }]);
        },
        HANG,
      );

      it(
        "spreads a parallel method over at least min_worker_count workers",
        async () => {
          shared.set("target", 3);
          const plan = buildPlan({ split: {}, each: { mode: "parallel", minWorkers: 3, exportName: "overlapping" } }, [
            ["split", "each"],
          ]);
          const runner = make<number, number[]>(
            plan,
            { split: (n: number) => Array.from({ length: n }, (_, i) => i), each: fixtures.overlapping },
            // A limit equal to the plan's peak demand leaves no slot to scale out over, so no more than 3 either.
            { workers: 3 },
          );
          await expect(runner.run(9)).resolves.toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
          expect(shared.gauge.max).toBe(3);
        },
        HANG,
      );

      it("maps an empty array to an empty array without calling the method", async () => {
        const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "counted" } });
        const runner = make<number[], number[]>(plan, { each: fixtures.counted });
        await expect(runner.run([])).resolves.toEqual([]);
        expect(shared.get("calls")).toBe(0);
      });

      it("rejects a parallel method's input that is not an array, naming the method and what it got", async () => {
        const plan = buildPlan({ load: {}, each: { mode: "parallel", minWorkers: 2, exportName: "counted" } }, [
          ["load", "each"],
        ]);
        const runner = make<unknown, unknown>(plan, { load: (x: unknown) => x, each: fixtures.counted });
        const error = await runner.run({ rows: [1, 2] }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ParallelInputError);
        expect((error as ParallelInputError).message).toBe(
          "Method 'each' runs in parallel and needs an array as input, but received an object.",
        );
        expect((error as ParallelInputError).method).toBe("each");
        expect((error as ParallelInputError).code).toBe(ErrorCode.ParallelInputNotArray);
        await expect(runner.run("abc")).rejects.toThrow(
          "Method 'each' runs in parallel and needs an array as input, but received a string (\"abc\").",
        );
        expect(shared.get("calls")).toBe(0);
      });
    });

    describe("parallel stages over iterables", () => {
      it("maps an iterable and an async iterable like an array, in input order", async () => {
        const events: FlowEvent[] = [];
        const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "double" } });
        const runner = make<Iterable<number> | AsyncIterable<number>, number[]>(plan, { each: fixtures.double });
        function* numbers(): Generator<number> {
          for (let i = 0; i < 50; i++) yield i;
        }
        async function* later(): AsyncGenerator<number> {
          for (let i = 0; i < 50; i++) {
            if (i % 7 === 0) await settle(1);
            yield i;
          }
        }
        const expected = Array.from({ length: 50 }, (_, i) => i * 2);
        await expect(runner.run(numbers(), { onEvent: (event) => events.push(event) })).resolves.toEqual(expected);
        await expect(runner.run(later())).resolves.toEqual(expected);
        await expect(runner.run(new Set([3, 1, 2]))).resolves.toEqual([6, 2, 4]);
        await expect(runner.run((async function* () {})())).resolves.toEqual([]);
        // The length of a stream is not known when its stage starts.
        expect(events.find((event) => event.type === "method:start")).toMatchObject({
          method: "each",
          items: undefined,
        });
      });

      it("leaves the stream closed when the stage fails", async () => {
        let closed = false;
        async function* numbers(): AsyncGenerator<number> {
          try {
            for (let i = 0; i < 10_000; i++) yield i;
          } finally {
            closed = true;
          }
        }
        const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "doubleUnless3" } });
        const runner = make<AsyncIterable<number>, number[]>(plan, { each: fixtures.doubleUnless3 }, { workers: 2 });
        const error = await runner.run(numbers()).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: "MethodError", method: "each", item: 3, attempts: 1 });
        expect((error as MethodError).message).toBe("Method 'each' failed on item 3 after 1 attempt: three");
        await settle();
        // Read to its end or closed early (backends with `mapStream` stop reading): released either way.
        expect(closed).toBe(true);
      });

      it("fails with the stream's own error, naming the item it was reading", async () => {
        function* numbers(): Generator<number> {
          yield 1;
          yield 2;
          throw new Error("disk gone");
        }
        const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "double" } });
        const runner = make<Iterable<number>, number[]>(plan, { each: fixtures.double });
        const error = await runner.run(numbers()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MethodError);
        expect(error).toMatchObject({ method: "each", item: 2, attempts: 0 });
        expect((error as MethodError).message).toBe("Method 'each' failed on item 2 after 0 attempts: disk gone");
      });
    });

    describe("failures and retries", () => {
      it("wraps a method's error in a MethodError naming the method", async () => {
        const cause = new Error("disk full");
        const runner = make<number, number>(chain("a", "save"), {
          a: (x: number) => x,
          save: () => {
            throw cause;
          },
        });
        const error = await runner.run(1).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MethodError);
        expect(error).toMatchObject({
          name: "MethodError",
          code: ErrorCode.MethodFailed,
          method: "save",
          item: undefined,
          attempts: 1,
        });
        expect((error as MethodError).cause).toBe(cause);
        expect((error as MethodError).message).toBe("Method 'save' failed after 1 attempt: disk full");
      });

      it("retries a failing call: fails twice, then succeeds on attempt 3", async () => {
        const attempts: number[] = [];
        const events: FlowEvent[] = [];
        const runner = make<number, number>(buildPlan({ flaky: { retries: 3 } }), {
          flaky: (x: number, context: RunContext) => {
            attempts.push(context.attempt);
            if (context.attempt < 3) throw new Error(`try ${context.attempt}`);
            return x * 2;
          },
        });
        await expect(runner.run(21, { onEvent: (event) => events.push(event) })).resolves.toBe(42);
        expect(attempts).toEqual([1, 2, 3]);
        const retries = events.filter((event) => event.type === "call:retry");
        expect(
          retries.map((event) => [event.method, event.item, event.attempt, (event.error as Error).message]),
        ).toEqual([
          ["flaky", undefined, 1, "try 1"],
          ["flaky", undefined, 2, "try 2"],
        ]);
        expect(events.some((event) => event.type === "call:fail")).toBe(false);
      });

      it("reports exhausted retries of a parallel item with its method, item, attempts and cause", async () => {
        const events: FlowEvent[] = [];
        const plan = buildPlan({ transform: { mode: "parallel", minWorkers: 2, retries: 2, exportName: "failOn17" } });
        const runner = make<number[], number[]>(plan, { transform: fixtures.failOn17 });
        const items = Array.from({ length: 20 }, (_, i) => i);
        const error = await runner.run(items, { onEvent: (event) => events.push(event) }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MethodError);
        expect(error).toMatchObject({ method: "transform", item: 17, attempts: 3 });
        // The method's own error, with its name and fields, wherever it was thrown.
        expect((error as MethodError).cause).toBeInstanceOf(Error);
        expect((error as MethodError).cause).toMatchObject({ name: "RowError", message: "bad row", code: "E_ROW" });
        expect((error as MethodError).message).toBe("Method 'transform' failed on item 17 after 3 attempts: bad row");
        expect(events.filter((event) => event.type === "call:retry" || event.type === "call:fail").map(brief)).toEqual([
          "call:retry transform#17 attempt 1",
          "call:retry transform#17 attempt 2",
          "call:fail transform#17 after 3",
        ]);
      });

      it("does not retry a NonRetryableError", async () => {
        const cause = new NonRetryableError("row 3 has no id");
        let calls = 0;
        const runner = make<number, number>(buildPlan({ load: { retries: 5 } }), {
          load: () => {
            calls++;
            throw cause;
          },
        });
        const error = await runner.run(1).catch((e: unknown) => e);
        expect(calls).toBe(1);
        expect(error).toMatchObject({ method: "load", attempts: 1 });
        expect((error as MethodError).cause).toBe(cause);
        expect((error as MethodError).message).toBe("Method 'load' failed after 1 attempt: row 3 has no id");
      });

      it("aborts a call's signal when its timeout expires and counts it as a failure", async () => {
        let signal: AbortSignal | undefined;
        const runner = make<number, number>(buildPlan({ slow: { timeoutMs: 20 } }), {
          slow: (_: number, context: RunContext) => {
            signal = context.signal;
            return untilAborted(context.signal);
          },
        });
        const error = await runner.run(1).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MethodError);
        expect((error as MethodError).message).toBe("Method 'slow' failed after 1 attempt: timed out after 20 ms");
        const cause = (error as MethodError).cause;
        expect(cause).toBeInstanceOf(MethodTimeoutError);
        expect(cause).toMatchObject({
          name: "TimeoutError",
          code: ErrorCode.MethodTimeout,
          method: "slow",
          timeoutMs: 20,
        });
        expect(signal?.aborted).toBe(true);
        expect(signal?.reason).toBe(cause);
      });

      it("fails a timed-out call even when the method ignores its signal, and retries it", async () => {
        const attempts: number[] = [];
        const runner = make<number, string>(buildPlan({ stuck: { timeoutMs: 20, retries: 1 } }), {
          stuck: (x: number, context: RunContext) => {
            attempts.push(context.attempt);
            return context.attempt === 1 ? new Promise(() => undefined) : `ok ${x}`;
          },
        });
        await expect(runner.run(7)).resolves.toBe("ok 7");
        expect(attempts).toEqual([1, 2]);
      });

      it("times out a parallel call, aborting its signal with a TimeoutError, and retries it", async () => {
        const plan = buildPlan({
          each: { mode: "parallel", minWorkers: 2, timeoutMs: 30, retries: 1, exportName: "slowFirstAttempt" },
        });
        const runner = make<number[], number[]>(plan, { each: fixtures.slowFirstAttempt }, { workers: 2 });
        await expect(runner.run([5, 6])).resolves.toEqual([5, 6]);
        const records = shared.records() as { item: number }[];
        expect(records.sort((a, b) => a.item - b.item)).toEqual([
          { item: 0, name: "TimeoutError", message: "timed out after 30 ms" },
          { item: 1, name: "TimeoutError", message: "timed out after 30 ms" },
        ]);
      });

      it(
        "cancels the other methods in flight when one fails, and starts no more",
        async () => {
          const cStarted = deferred();
          let cSignal: AbortSignal | undefined;
          let dCalls = 0;
          const plan = buildPlan({ a: {}, b: {}, c: {}, d: {} }, [
            ["a", "b"],
            ["a", "c"],
            ["b", "d"],
            ["c", "d"],
          ]);
          const runner = make<number, unknown>(plan, {
            a: (x: number) => x,
            b: async () => {
              await cStarted.promise;
              throw new Error("b broke");
            },
            c: (_: number, context: RunContext) => {
              cSignal = context.signal;
              cStarted.resolve();
              return untilAborted(context.signal);
            },
            d: () => dCalls++,
          });
          const error = await runner.run(1).catch((e: unknown) => e);
          expect((error as MethodError).message).toBe("Method 'b' failed after 1 attempt: b broke");
          expect(cSignal?.aborted).toBe(true);
          expect(cSignal?.reason).toBe(error);
          await settle();
          expect(dCalls).toBe(0);
        },
        HANG,
      );

      it(
        "stops a parallel map at its first failed item and aborts the items in flight",
        async () => {
          const plan = buildPlan({ each: { mode: "parallel", minWorkers: 3, exportName: "failOneAbortOthers" } });
          const runner = make<number[], number[]>(plan, { each: fixtures.failOneAbortOthers }, { workers: 3 });
          const error = await runner.run(Array.from({ length: 30 }, (_, i) => i)).catch((e: unknown) => e);
          expect(error).toMatchObject({ method: "each", item: 1, attempts: 1 });
          expect((error as MethodError).message).toBe("Method 'each' failed on item 1 after 1 attempt: item 1 failed");
          // The two calls still waiting see their signals abort, wherever they run.
          await shared.reach("aborted", 2);
          await settle();
          expect(shared.get("started")).toBe(2);
          expect(shared.get("aborted")).toBe(2);
          expect(shared.get("calls")).toBe(3);
        },
        HANG,
      );
    });

    describe("cancellation", () => {
      it(
        "rejects at once when the run's signal aborts, aborting the calls in flight",
        async () => {
          const started = deferred<AbortSignal>();
          let laterCalls = 0;
          const runner = make<number, number>(chain("a", "hang", "later"), {
            a: (x: number) => x,
            // Ignores its signal on purpose: the run must not wait for it.
            hang: (_: number, context: RunContext) => {
              started.resolve(context.signal);
              return new Promise(() => undefined);
            },
            later: () => laterCalls++,
          });
          const controller = new AbortController();
          const reason = new Error("user stop");
          const run = runner.run(1, { signal: controller.signal });
          const signal = await started.promise;
          controller.abort(reason);
          const error = await run.catch((e: unknown) => e);
          expect(error).toBeInstanceOf(CancelledError);
          expect(error).toMatchObject({ name: "AbortError", code: ErrorCode.Cancelled });
          expect((error as CancelledError).reason).toBe(reason);
          expect((error as CancelledError).message).toBe("Run of 'test' was cancelled: user stop");
          expect(signal.aborted).toBe(true);
          expect(signal.reason).toBe(error);
          expect(laterCalls).toBe(0);
        },
        HANG,
      );

      it(
        "aborts the signals of parallel calls in flight with the run's CancelledError",
        async () => {
          const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "waitForAbort" } });
          const runner = make<number[], number[]>(plan, { each: fixtures.waitForAbort }, { workers: 2 });
          const controller = new AbortController();
          const run = runner.run([1, 2, 3, 4], { signal: controller.signal });
          await shared.reach("started", 2);
          controller.abort(new Error("user stop"));
          const error = await run.catch((e: unknown) => e);
          expect(error).toBeInstanceOf(CancelledError);
          expect((error as CancelledError).message).toBe("Run of 'test' was cancelled: user stop");
          await shared.reach("aborted", 2);
          expect(shared.records()).toEqual([
            { name: "AbortError", message: "Run of 'test' was cancelled: user stop" },
            { name: "AbortError", message: "Run of 'test' was cancelled: user stop" },
          ]);
          await settle();
          // No further item starts once the run is cancelled.
          expect(shared.get("started")).toBe(2);
        },
        HANG,
      );

      it("calls nothing when the signal is already aborted", async () => {
        let calls = 0;
        const runner = make<number, number>(chain("a", "b"), { a: () => calls++, b: () => calls++ });
        const error = await runner.run(1, { signal: AbortSignal.abort("shutting down") }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CancelledError);
        expect((error as CancelledError).message).toBe("Run of 'test' was cancelled: shutting down");
        expect(calls).toBe(0);
      });

      it(
        "stops retrying once the run is cancelled",
        async () => {
          const failedOnce = deferred();
          let attempts = 0;
          const runner = make<number, number>(buildPlan({ flaky: { retries: 5 } }), {
            flaky: () => {
              attempts++;
              failedOnce.resolve();
              throw new Error("still down");
            },
          });
          const controller = new AbortController();
          const run = runner.run(1, { signal: controller.signal });
          await failedOnce.promise;
          controller.abort(new Error("enough"));
          await expect(run).rejects.toBeInstanceOf(CancelledError);
          await settle(20);
          expect(attempts).toBe(1);
        },
        HANG,
      );
    });

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
        expect(() => make(chain("toString"), {})).toThrow(
          "Plan 'test' needs a method the method table does not provide",
        );
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
        const plan = buildPlan(
          { split: {}, each: { mode: "parallel", minWorkers: 2, exportName: "double" }, sum: {} },
          [
            ["split", "each"],
            ["each", "sum"],
          ],
        );
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
  });
}
