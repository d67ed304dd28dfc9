import { describe, expect, it } from "vitest";
import { createRunner, ErrorCode, PlanError, type PlanDescriptor, type PlanMethod } from "../../stdlib/index.js";
import { buildPlan } from "./plans.js";

const identity = (x: unknown): unknown => x;
const methodsOf = (plan: PlanDescriptor): Record<string, (x: unknown) => unknown> =>
  Object.fromEntries(plan.methods.map((method) => [method.name, identity]));

/** The message of the `PlanError` createRunner throws for `plan`. */
function refusal(plan: PlanDescriptor): string {
  try {
    createRunner(plan, methodsOf(plan));
  } catch (error) {
    if (error instanceof PlanError) {
      expect(error.code).toBe(ErrorCode.InvalidPlan);
      return error.message;
    }
    throw error;
  }
  throw new Error("createRunner accepted the plan");
}

/** `plan` with method `name` changed by `change`. */
function withMethod(plan: PlanDescriptor, name: string, change: Partial<Record<keyof PlanMethod, unknown>>) {
  return {
    ...plan,
    methods: plan.methods.map((method) => (method.name === name ? { ...method, ...change } : method)),
  } as PlanDescriptor;
}

const accepts = (plan: PlanDescriptor): void => {
  expect(() => createRunner(plan, methodsOf(plan))).not.toThrow();
};

describe("createRunner checks routing and recovery fields", () => {
  const routed = buildPlan(
    {
      a: { branch: { property: "kind", routes: { b: ["x", 1], c: [true, null] } } },
      b: { runIf: "p", fallback: "f", onError: "skip" },
      c: { mode: "parallel", onError: "settle", maxFailures: { kind: "percent", value: 12.5 } },
      d: { inputs: ["@input", "b", "c"], optional: ["b"] },
      e: { inputs: ["@input"] },
      p: { helper: true },
      f: { helper: true },
    },
    [
      ["a", "b"],
      ["a", "c"],
      ["b", "d"],
      ["c", "d"],
    ],
  );

  it("accepts a plan that uses every field soundly", () => {
    expect(routed.sources).toEqual(["a"]);
    expect(routed.sinks).toEqual(["d", "e"]);
    accepts(routed);
  });

  it("refuses a helper with inputs or outputs", () => {
    const plan = buildPlan({ a: {}, p: { helper: true }, b: { runIf: "p" } }, [["a", "p"]]);
    expect(refusal({ ...plan, sinks: ["b"] })).toBe(
      "Plan 'test' is invalid: helper 'p' has inputs or outputs; a helper is only called as a predicate or fallback.",
    );
  });

  it("refuses a helper no method names", () => {
    const plan = buildPlan({ a: {}, p: { helper: true } });
    expect(refusal(plan)).toBe("Plan 'test' is invalid: helper 'p' is no method's runIf or fallback.");
  });

  it("refuses a predicate or fallback that names no method, or the method itself", () => {
    expect(refusal(withMethod(routed, "b", { runIf: "nope" }))).toBe(
      `Plan 'test' is invalid: 'b' has runIf "nope"; it must name another method of the plan, or be null.`,
    );
    expect(refusal(withMethod(routed, "b", { fallback: "b" }))).toBe(
      `Plan 'test' is invalid: 'b' has fallback "b"; it must name another method of the plan, or be null.`,
    );
  });

  it("refuses an unknown onError, and settle on a single method", () => {
    expect(refusal(withMethod(routed, "b", { onError: "retry" }))).toBe(
      `Plan 'test' is invalid: 'b' has onError "retry"; it must be "fail", "skip" or "settle".`,
    );
    expect(refusal(withMethod(routed, "b", { onError: "settle" }))).toBe(
      `Plan 'test' is invalid: 'b' has onError "settle", which only a parallel method can have.`,
    );
  });

  it("refuses maxFailures out of bounds, or on a single method", () => {
    const bad = "; it must be a count (an integer from 0 to 2147483647), a percent from 0 to 100, or null.";
    expect(refusal(withMethod(routed, "c", { maxFailures: { kind: "count", value: -1 } }))).toBe(
      `Plan 'test' is invalid: 'c' has maxFailures {"kind":"count","value":-1}${bad}`,
    );
    expect(refusal(withMethod(routed, "c", { maxFailures: { kind: "count", value: 1.5 } }))).toBe(
      `Plan 'test' is invalid: 'c' has maxFailures {"kind":"count","value":1.5}${bad}`,
    );
    expect(refusal(withMethod(routed, "c", { maxFailures: { kind: "percent", value: 101 } }))).toBe(
      `Plan 'test' is invalid: 'c' has maxFailures {"kind":"percent","value":101}${bad}`,
    );
    expect(refusal(withMethod(routed, "b", { maxFailures: { kind: "count", value: 1 } }))).toBe(
      "Plan 'test' is invalid: 'b' has maxFailures, which only a parallel method can have.",
    );
  });

  it("refuses branch routes that do not list exactly the successors, or hold no JSON primitives", () => {
    const branch = (routes: unknown) => withMethod(routed, "a", { branch: { property: "kind", routes } });
    expect(refusal(branch({ b: ["x"] }))).toBe(
      "Plan 'test' is invalid: the branch routes of 'a' (b) must list exactly its successors (b, c).",
    );
    expect(refusal(branch({ b: ["x"], c: ["y"], d: ["z"] }))).toBe(
      "Plan 'test' is invalid: the branch routes of 'a' (b, c, d) must list exactly its successors (b, c).",
    );
    expect(refusal(branch({ b: ["x"], c: [{ kind: "y" }] }))).toBe(
      "Plan 'test' is invalid: the branch route of 'a' to 'c' must be a list of strings, numbers, booleans or null.",
    );
    expect(refusal(withMethod(routed, "a", { branch: { property: "", routes: { b: [], c: [] } } }))).toBe(
      "Plan 'test' is invalid: 'a' has a branch without a property name.",
    );
  });

  it("refuses optional inputs a method does not have", () => {
    expect(refusal(withMethod(routed, "d", { optional: ["a"] }))).toBe(
      `Plan 'test' is invalid: 'd' has optional inputs ["a"], which must be among its inputs (@input, b, c).`,
    );
  });

  it("takes @input only first among the inputs, never as an edge, and as no source", () => {
    expect(refusal(withMethod(routed, "d", { inputs: ["b", "@input", "c"] }))).toBe(
      "Plan 'test' is invalid: 'd' lists @input among its inputs other than once and first.",
    );
    expect(refusal({ ...routed, edges: [...routed.edges, { from: "@input", to: "b" }] })).toBe(
      "Plan 'test' is invalid: edge @input → b names @input, which is no method: list it in the inputs instead.",
    );
    expect(refusal({ ...routed, sources: ["a", "e"] })).toBe("Plan 'test' is invalid: sources [a, e] should be [a].");
  });

  it("keeps helpers out of sources and sinks", () => {
    expect(refusal({ ...routed, sinks: ["d", "e", "p", "f"] })).toBe(
      "Plan 'test' is invalid: sinks [d, e, p, f] should be [d, e].",
    );
  });
});
