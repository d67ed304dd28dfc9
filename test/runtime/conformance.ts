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
 */
import { afterEach, describe, expect, it } from "vitest";
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
import { deferred, Gauge, settle, untilAborted } from "./latch.js";
import { buildPlan, chain } from "./plans.js";

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
  }
}

export function describeBackendConformance(name: string, makeBackend: () => Backend): void {
  describe(`backend conformance: ${name}`, () => {
    const runners: Runner<unknown, unknown>[] = [];
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
        const seen: {
          method: string;
          attempt: number;
          item: number | undefined;
          aborted: boolean;
          isSignal: boolean;
        }[] = [];
        const record = (context: RunContext): void => {
          seen.push({
            method: context.method,
            attempt: context.attempt,
            item: context.item,
            aborted: context.signal.aborted,
            isSignal: context.signal instanceof AbortSignal,
          });
        };
        const plan = buildPlan({ split: {}, each: { mode: "parallel", minWorkers: 2 } }, [["split", "each"]]);
        const runner = make<number, number[]>(plan, {
          split: (n: number, context: RunContext) => (record(context), [n, n + 1]),
          each: (x: number, context: RunContext) => (record(context), x * 10),
        });
        await expect(runner.run(1)).resolves.toEqual([10, 20]);
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
          const gauge = new Gauge();
          const release = [0, 1, 2, 3, 4].map(() => deferred());
          const plan = buildPlan({ each: { mode: "parallel", minWorkers: 5 } });
          const items: number[] = [];
          const runner = make<number[], number[]>(plan, {
            each: async (x: number, context: RunContext) => {
              gauge.enter();
              await release[context.item ?? -1]?.promise;
              items.push(context.item ?? -1);
              gauge.leave();
              return x * 10;
            },
          });
          const run = runner.run([0, 1, 2, 3, 4]);
          await gauge.atLeast(5);
          for (const gate of [...release].reverse()) {
            gate.resolve();
            await settle(1);
          }
          await expect(run).resolves.toEqual([0, 10, 20, 30, 40]);
          expect(items).toEqual([4, 3, 2, 1, 0]);
        },
        HANG,
      );

      it(
        "spreads a parallel method over at least min_worker_count workers",
        async () => {
          const gauge = new Gauge();
          const plan = buildPlan({ split: {}, each: { mode: "parallel", minWorkers: 3 } }, [["split", "each"]]);
          const runner = make<number, number[]>(plan, {
            split: (n: number) => Array.from({ length: n }, (_, i) => i),
            each: async (x: number) => {
              gauge.enter();
              await gauge.atLeast(3);
              gauge.leave();
              return x + 1;
            },
          });
          await expect(runner.run(9)).resolves.toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
          // The default worker limit is the plan's peak demand, so no more than 3 either.
          expect(gauge.max).toBe(3);
        },
        HANG,
      );

      it("maps an empty array to an empty array without calling the method", async () => {
        let calls = 0;
        const runner = make<number[], number[]>(buildPlan({ each: { mode: "parallel", minWorkers: 2 } }), {
          each: (x: number) => (calls++, x),
        });
        await expect(runner.run([])).resolves.toEqual([]);
        expect(calls).toBe(0);
      });

      it("rejects a parallel method's input that is not an array, naming the method and what it got", async () => {
        let calls = 0;
        const plan = buildPlan({ load: {}, each: { mode: "parallel", minWorkers: 2 } }, [["load", "each"]]);
        const runner = make<unknown, unknown>(plan, {
          load: (x: unknown) => x,
          each: (x: number) => (calls++, x),
        });
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
        expect(calls).toBe(0);
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
        const cause = new Error("bad row");
        const events: FlowEvent[] = [];
        const plan = buildPlan({ transform: { mode: "parallel", minWorkers: 2, retries: 2 } });
        const runner = make<number[], number[]>(plan, {
          transform: (x: number) => {
            if (x === 17) throw cause;
            return x;
          },
        });
        const items = Array.from({ length: 20 }, (_, i) => i);
        const error = await runner.run(items, { onEvent: (event) => events.push(event) }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MethodError);
        expect(error).toMatchObject({ method: "transform", item: 17, attempts: 3 });
        expect((error as MethodError).cause).toBe(cause);
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
          const gauge = new Gauge();
          const signals: AbortSignal[] = [];
          let calls = 0;
          const plan = buildPlan({ each: { mode: "parallel", minWorkers: 3 } });
          const runner = make<number[], number[]>(plan, {
            each: async (x: number, context: RunContext) => {
              calls++;
              gauge.enter();
              await gauge.atLeast(3);
              if (x === 1) throw new Error(`item ${x} failed`);
              signals.push(context.signal);
              return untilAborted(context.signal);
            },
          });
          const error = await runner.run(Array.from({ length: 30 }, (_, i) => i)).catch((e: unknown) => e);
          expect(error).toMatchObject({ method: "each", item: 1, attempts: 1 });
          await settle();
          expect(signals.length).toBe(2);
          expect(signals.every((signal) => signal.aborted)).toBe(true);
          expect(calls).toBe(3);
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
        expect((error as Error).message).toBe(
          "Parallel method 'transform' needs 4 workers (min_worker_count: 4), but the runner allows 2 (workers: 2). " +
            "Raise 'workers' to at least 4 or lower min_worker_count.",
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
          "Methods 'b' (1), 'c' (2) and 'd' (1) can run at the same time and need 4 workers together, " +
            "but the runner allows 3 (workers: 3). Raise 'workers' to at least 4 or lower min_worker_count.",
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
        const plan = buildPlan({ a: {}, each: { mode: "parallel", minWorkers: 2, retries: 1 }, z: {} }, [
          ["a", "each"],
          ["each", "z"],
        ]);
        let failed = false;
        const runner = make<number, number>(
          plan,
          {
            a: (n: number) => [n, n + 1],
            each: (x: number) => {
              if (x === 2 && !failed) {
                failed = true;
                throw new Error("once");
              }
              return x;
            },
            z: (xs: number[]) => xs.length,
          },
          { onEvent: (event) => runnerEvents.push(event) },
        );
        await expect(runner.run(1, { onEvent: (event) => runEvents.push(event) })).resolves.toBe(2);
        expect(runEvents.map(brief)).toEqual([
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
        expect(events.map(brief)).toEqual([
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
