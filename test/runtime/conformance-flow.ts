/**
 * The conformance sections about values: how outputs flow from method to
 * method, when calls run, and how parallel stages map arrays and iterables.
 */
import { describe, expect, it } from "vitest";
import { ErrorCode, MethodError, ParallelInputError, type FlowEvent, type RunContext } from "../../stdlib/index.js";
import * as fixtures from "../fixtures/threads/conformance.methods.js";
import { shared } from "../fixtures/threads/shared-state.js";
import { HANG, type Make } from "./conformance-harness.js";
import { deferred, Gauge, settle } from "./latch.js";
import { buildPlan, chain } from "./plans.js";

export function describeDataFlow(make: Make): void {
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
}

export function describeScheduling(make: Make): void {
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
}
