/**
 * The conformance section about methods that may not run and calls that
 * fail for good: predicates (`run_if`), branches (`branch_on`), inputs a
 * method may go without, fallbacks, `on_error`, `max_failures` and the run's
 * input as a node. Every method comes from the fixture module
 * (../fixtures/threads/routing.methods.ts) and logs a mark through `shared`,
 * so that each test asserts how often each call happened; assertions hold
 * only what survives a transport (codes, names, messages, counts).
 */
import { describe, expect, it } from "vitest";
import { ErrorCode, type FlowEvent, type Settled } from "../../stdlib/index.js";
import * as fx from "../fixtures/threads/routing.methods.js";
import { shared } from "../fixtures/threads/shared-state.js";
import type { Make } from "./conformance-harness.js";
import { buildPlan, type EdgeSpec, type MethodSpec } from "./plans.js";

const MODULE = "./routing.methods";

/** A plan over the routing fixtures: every method from their module. */
function plan(methods: Readonly<Record<string, MethodSpec>>, edges: readonly EdgeSpec[] = []) {
  const specs = Object.fromEntries(Object.entries(methods).map(([name, spec]) => [name, { module: MODULE, ...spec }]));
  return buildPlan(specs, edges);
}

interface Mark {
  readonly m: string;
  readonly x: unknown;
  readonly error?: string | null;
  readonly item?: number | null;
}

const marks = (): Mark[] => shared.records() as Mark[];
/** How many times each method ran, by name. */
function counts(): Record<string, number> {
  const result: Record<string, number> = {};
  for (const mark of marks()) result[mark.m] = (result[mark.m] ?? 0) + 1;
  return result;
}

/** `method:skip` events as `method reason`. */
const skips = (events: readonly FlowEvent[]): string[] =>
  events.flatMap((event) => (event.type === "method:skip" ? [`${event.method} ${event.reason}`] : []));

const gatedPlan = (optional: boolean) =>
  plan(
    {
      source: { exportName: "source" },
      isPositive: { helper: true },
      gated: { runIf: "isPositive" },
      after: {},
      join: optional ? { optional: ["after"] } : {},
    },
    [
      ["source", "gated"],
      ["gated", "after"],
      ["source", "join"],
      ["after", "join"],
    ],
  );
const gatedMethods = {
  source: fx.source,
  isPositive: fx.isPositive,
  gated: fx.gated,
  after: fx.after,
  join: fx.join,
};

const branchPlan = () =>
  plan(
    {
      classify: {
        branch: { property: "kind", routes: { onSmall: ["small"], onMedium: ["medium"], onLarge: ["large"] } },
      },
      onSmall: {},
      onMedium: {},
      onLarge: {},
    },
    [
      ["classify", "onSmall"],
      ["classify", "onMedium"],
      ["classify", "onLarge"],
    ],
  );

export function describeRouting(make: Make): void {
  describe("routing: predicates, branches, skipped inputs", () => {
    it("skips a chain whose predicate says false; a fan-in that may go without it runs with undefined", async () => {
      const events: FlowEvent[] = [];
      const runner = make<number, string>(gatedPlan(true), gatedMethods);
      await expect(runner.run(-1, { onEvent: (event) => events.push(event) })).resolves.toBe("-1/none");
      expect(counts()).toEqual({ source: 1, isPositive: 1, join: 1 });
      expect(marks().find((mark) => mark.m === "isPositive")?.x).toBe(-1);
      expect(skips(events)).toEqual(["gated predicate", "after upstream"]);
      // A method skipped before it started has no start and no end.
      const about = (name: string) => events.filter((event) => "method" in event && event.method === name);
      expect(about("gated").map((event) => event.type)).toEqual(["method:skip"]);
      expect(events.at(-1)).toMatchObject({ type: "run:end", ok: true });
    });

    it("runs the chain when its predicate says true", async () => {
      const runner = make<number, string>(gatedPlan(true), gatedMethods);
      await expect(runner.run(2)).resolves.toBe("2/21");
      expect(counts()).toEqual({ source: 1, isPositive: 1, gated: 1, after: 1, join: 1 });
    });

    it("skips a method whose input was skipped and that cannot do without it", async () => {
      const events: FlowEvent[] = [];
      const runner = make<number, string | undefined>(gatedPlan(false), gatedMethods);
      await expect(runner.run(-5, { onEvent: (event) => events.push(event) })).resolves.toBeUndefined();
      expect(counts()).toEqual({ source: 1, isPositive: 1 });
      expect(skips(events)).toEqual(["gated predicate", "after upstream", "join upstream"]);
    });

    it("fails the run when a predicate answers no boolean", async () => {
      const runner = make<number, number>(plan({ maybe: { helper: true }, gated: { runIf: "maybe" } }), {
        maybe: fx.maybe,
        gated: fx.gated,
      });
      const error = await runner.run(3).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.PredicateNotBoolean, method: "gated" });
      expect((error as Error).message).toBe(
        `Predicate 'maybe' (run_if of 'gated') must return true or false, but returned a string ("yes").`,
      );
      expect(counts()).toEqual({ maybe: 1 });
    });

    it("routes each value of a branch to its successor and skips the others", async () => {
      const methods = { classify: fx.classify, onSmall: fx.onSmall, onMedium: fx.onMedium, onLarge: fx.onLarge };
      const runner = make<number, Record<string, string | undefined>>(branchPlan(), methods);
      const cases: [number, string, string][] = [
        [3, "onSmall", "small 3"],
        [42, "onMedium", "medium 42"],
        [500, "onLarge", "large 500"],
      ];
      for (const [input, taken, output] of cases) {
        shared.reset();
        const events: FlowEvent[] = [];
        const result = await runner.run(input, { onEvent: (event) => events.push(event) });
        const others = ["onSmall", "onMedium", "onLarge"].filter((name) => name !== taken);
        expect(result).toEqual({ onSmall: undefined, onMedium: undefined, onLarge: undefined, [taken]: output });
        expect(Object.keys(result).sort()).toEqual(["onLarge", "onMedium", "onSmall"]);
        expect(counts()).toEqual({ classify: 1, [taken]: 1 });
        expect(skips(events).sort()).toEqual(others.map((name) => `${name} branch`).sort());
      }
    });

    it("fails the run on a branch value that no route takes", async () => {
      const methods = { classify: fx.classify, onSmall: fx.onSmall, onMedium: fx.onMedium, onLarge: fx.onLarge };
      const runner = make<number, unknown>(branchPlan(), methods);
      const error = await runner.run(5000).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.UnroutedBranchValue, method: "classify" });
      expect((error as Error).message).toBe(
        `Method 'classify' branches on 'kind', but its output has 'kind' = a string ("huge"), which no successor takes.`,
      );
      expect(counts()).toEqual({ classify: 1 });
    });

    it("gives a method the run's input under '@input' beside its other inputs", async () => {
      const runner = make<number, Record<string, unknown>>(
        plan({ source: {}, echo: { inputs: ["@input"] }, withRunInput: { inputs: ["@input", "source"] } }, [
          ["source", "withRunInput"],
        ]),
        { source: fx.source, echo: fx.echo, withRunInput: fx.withRunInput },
      );
      await expect(runner.run(7)).resolves.toEqual({ echo: 7, withRunInput: "7+7" });
      expect(counts()).toEqual({ source: 1, echo: 1, withRunInput: 1 });
    });
  });

  describe("recovery: fallbacks, on_error, max_failures", () => {
    it("calls a single method's fallback with the same input and the method's error", async () => {
      const events: FlowEvent[] = [];
      const runner = make<number, number>(
        plan({ primary: { fallback: "rescue", retries: 1 }, rescue: { helper: true } }),
        { primary: fx.primary, rescue: fx.rescue },
      );
      await expect(runner.run(4, { onEvent: (event) => events.push(event) })).resolves.toBe(-4);
      expect(counts()).toEqual({ primary: 2, rescue: 1 });
      expect(marks().find((mark) => mark.m === "rescue")).toMatchObject({ x: 4, error: "primary down on 4" });
      const fallback = events.find((event) => event.type === "call:fallback");
      expect(fallback).toMatchObject({ method: "primary", fallback: "rescue", item: undefined });
      expect((fallback as { error: Error }).error).toMatchObject({ name: "RowError", message: "primary down on 4" });
      expect(events.filter((event) => event.type === "method:end")).toMatchObject([{ method: "primary", ok: true }]);
    });

    it("fails the run with both errors when the fallback fails too", async () => {
      const runner = make<number, number>(
        plan({ primary: { fallback: "rescueFails" }, rescueFails: { helper: true } }),
        { primary: fx.primary, rescueFails: fx.rescueFails },
      );
      const error = (await runner.run(9).catch((e: unknown) => e)) as Error & { original: Error; cause: Error };
      expect(error).toMatchObject({ code: ErrorCode.FallbackFailed, method: "primary", fallback: "rescueFails" });
      expect(error.message).toBe(
        "Method 'primary' failed: primary down on 9; its fallback 'rescueFails' failed too: fallback down on 9",
      );
      expect(error.original).toMatchObject({ code: ErrorCode.MethodFailed, method: "primary" });
      expect(error.original.cause).toMatchObject({ name: "RowError", message: "primary down on 9" });
      expect(error.cause).toMatchObject({ code: ErrorCode.MethodFailed, method: "rescueFails" });
      expect(error.cause.cause).toMatchObject({ message: "fallback down on 9" });
      expect(counts()).toEqual({ primary: 1, rescueFails: 1 });
    });

    it("skips a single method that fails with on_error skip; the run goes on and its output is undefined", async () => {
      const events: FlowEvent[] = [];
      const runner = make<number, Record<string, unknown>>(
        plan({ source: {}, primary: { onError: "skip" }, after: {} }, [
          ["source", "primary"],
          ["source", "after"],
        ]),
        { source: fx.source, primary: fx.primary, after: fx.after },
      );
      const result = await runner.run(1, { onEvent: (event) => events.push(event) });
      expect(result).toEqual({ primary: undefined, after: 2 });
      expect(Object.keys(result).sort()).toEqual(["after", "primary"]);
      expect(counts()).toEqual({ source: 1, primary: 1, after: 1 });
      const skip = events.find((event) => event.type === "method:skip");
      expect(skip).toMatchObject({ method: "primary", reason: "error" });
      expect((skip as { error: Error }).error).toMatchObject({ name: "RowError", message: "primary down on 1" });
      // In place of its method:end.
      expect(events.some((event) => event.type === "method:end" && event.method === "primary")).toBe(false);
    });

    it("settles a stage where 1 of 100 items fails: records in order, the error's name and message", async () => {
      const events: FlowEvent[] = [];
      const runner = make<number[], Settled<number>[]>(
        plan({ each: { mode: "parallel", minWorkers: 2, onError: "settle", retries: 1, exportName: "failOn37" } }),
        { each: fx.failOn37 },
      );
      const items = Array.from({ length: 100 }, (_, i) => i);
      const result = await runner.run(items, { onEvent: (event) => events.push(event) });
      expect(result).toHaveLength(100);
      expect(result[37]).toEqual({ ok: false, error: { name: "RowError", message: "bad row 37", code: "E_ROW" } });
      expect(result.filter((_, i) => i !== 37)).toEqual(
        items.filter((i) => i !== 37).map((i) => ({ ok: true, value: i * 2 })),
      );
      // 99 calls, and two attempts of item 37.
      expect(counts()).toEqual({ failOn37: 101 });
      const tolerated = events.filter((event) => event.type === "items:tolerated");
      expect(tolerated).toMatchObject([{ method: "each", failed: 1, recovered: 0, items: 100, indices: [37] }]);
      const order = events
        .map((event) => event.type)
        .filter((type) => type === "items:tolerated" || type === "method:end");
      expect(order).toEqual(["items:tolerated", "method:end"]);
    });

    it("skips a failed item with on_error skip: undefined at its index", async () => {
      const runner = make<number[], (number | undefined)[]>(
        plan({ each: { mode: "parallel", minWorkers: 2, onError: "skip", exportName: "failOn37" } }),
        { each: fx.failOn37 },
      );
      const items = Array.from({ length: 100 }, (_, i) => i + 100);
      const result = await runner.run(items);
      expect(result).toHaveLength(100);
      expect(result[37]).toBeUndefined();
      expect(result.filter((_, i) => i !== 37)).toEqual(items.filter((_, i) => i !== 37).map((x) => x * 2));
      expect(counts()).toEqual({ failOn37: 100 });
    });

    it("calls the fallback of each failed item with its index and error", async () => {
      const events: FlowEvent[] = [];
      const runner = make<number[], number[]>(
        plan({
          each: { mode: "parallel", minWorkers: 2, fallback: "rescue", exportName: "failOdd" },
          rescue: { mode: "parallel", helper: true },
        }),
        { each: fx.failOdd, rescue: fx.rescue },
      );
      const result = await runner.run([0, 1, 2, 3, 4, 5], { onEvent: (event) => events.push(event) });
      expect(result).toEqual([0, -1, 2, -3, 4, -5]);
      expect(counts()).toEqual({ failOdd: 6, rescue: 3 });
      const rescued = marks()
        .filter((mark) => mark.m === "rescue")
        .map((mark) => [mark.item, mark.x, mark.error])
        .sort((a, b) => Number(a[0]) - Number(b[0]));
      expect(rescued).toEqual([
        [1, 1, "odd 1"],
        [3, 3, "odd 3"],
        [5, 5, "odd 5"],
      ]);
      const fallbacks = events.flatMap((event) => (event.type === "call:fallback" ? [event.item] : []));
      expect(fallbacks.sort()).toEqual([1, 3, 5]);
      expect(events.filter((event) => event.type === "items:tolerated")).toMatchObject([
        { failed: 3, recovered: 3, items: 6, indices: [1, 3, 5] },
      ]);
    });

    it("tolerates failed items of a stream, and calls their fallback with their input", async () => {
      const runner = make<Iterable<number>, number[]>(
        plan({
          each: { mode: "parallel", fallback: "rescue", exportName: "failOdd" },
          rescue: { mode: "parallel", helper: true },
        }),
        { each: fx.failOdd, rescue: fx.rescue },
      );
      function* rows(): Generator<number> {
        yield* [10, 11, 12, 13];
      }
      await expect(runner.run(rows())).resolves.toEqual([10, -11, 12, -13]);
      expect(counts()).toEqual({ failOdd: 4, rescue: 2 });
    });

    it("fails a stage with more failed items than max_failures allows, with the count", async () => {
      const runner = make<number[], number[]>(
        plan({
          each: { mode: "parallel", onError: "skip", maxFailures: { kind: "count", value: 2 }, exportName: "failOdd" },
        }),
        { each: fx.failOdd },
      );
      const error = await runner.run(Array.from({ length: 10 }, (_, i) => i)).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: ErrorCode.TooManyFailures,
        method: "each",
        failed: 3,
        items: 10,
        limit: 2,
      });
      expect((error as Error).message).toMatch(
        /^Method 'each': 3 items of 10 failed, more than max_failures allows \(max_failures: 2: at most 2\); first: Method 'each' failed on item \d after 1 attempt: odd \d$/,
      );
      expect((error as { cause: unknown }).cause).toMatchObject({ code: ErrorCode.MethodFailed, method: "each" });
    });

    it("takes max_failures as a percent of the stage's items", async () => {
      const spec = (value: number) =>
        plan({
          each: {
            mode: "parallel",
            onError: "skip",
            maxFailures: { kind: "percent", value },
            exportName: "failNegative",
          },
        });
      // 2 of 20 items fail: 10% tolerates them (2), 5% does not (1).
      const items = Array.from({ length: 20 }, (_, i) => (i === 4 || i === 11 ? -i : i));
      const tolerant = make<number[], (number | undefined)[]>(spec(10), { each: fx.failNegative });
      const result = await tolerant.run(items);
      expect(result.filter((x) => x === undefined)).toHaveLength(2);
      expect(result[4]).toBeUndefined();
      expect(result[11]).toBeUndefined();
      const strict = make<number[], number[]>(spec(5), { each: fx.failNegative });
      const error = await strict.run(items).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.TooManyFailures, failed: 2, items: 20, limit: 1 });
    });
  });
}
