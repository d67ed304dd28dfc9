import { describe, expect, it } from "vitest";
import { createRunner, ErrorCode, PlanError, type PlanDescriptor, type RunnerOptions } from "../../stdlib/index.js";
import { buildPlan, chain } from "./plans.js";

const identity = (x: unknown): unknown => x;
const methodsOf = (plan: PlanDescriptor): Record<string, (x: unknown) => unknown> =>
  Object.fromEntries(plan.methods.map((method) => [method.name, identity]));

function refusal(plan: PlanDescriptor, options?: RunnerOptions): PlanError {
  try {
    createRunner(plan, methodsOf(plan), options);
  } catch (error) {
    if (error instanceof PlanError) return error;
    throw error;
  }
  throw new Error("createRunner accepted the plan");
}

describe("createRunner refuses inconsistent plans", () => {
  const base = chain("a", "b");

  it("refuses another descriptor format", () => {
    const error = refusal({ ...base, format: 2 } as unknown as PlanDescriptor);
    expect(error.code).toBe(ErrorCode.InvalidPlan);
    expect(error.message).toBe(
      "Plan 'test' is invalid: format 2 is not supported (expected 1); rebuild it with this version of flowc.",
    );
  });

  it("refuses a plan without methods", () => {
    expect(refusal({ ...base, methods: [], edges: [], sources: [], sinks: [], stages: [] }).message).toBe(
      "Plan 'test' is invalid: it has no methods.",
    );
  });

  it("refuses a method listed twice", () => {
    const error = refusal({ ...base, methods: [...base.methods, ...base.methods.slice(0, 1)] });
    expect(error.message).toBe("Plan 'test' is invalid: method 'a' appears twice.");
    expect(error.methods).toEqual(["a"]);
  });

  it("refuses a method or an export named __proto__, which objects keyed by method name cannot hold", () => {
    const rename = (name: string): string => (name === "b" ? "__proto__" : name);
    const named = {
      ...base,
      methods: base.methods.map((method) => ({
        ...method,
        name: rename(method.name),
        inputs: method.inputs.map(rename),
      })),
      edges: base.edges.map((edge) => ({ from: rename(edge.from), to: rename(edge.to) })),
      sinks: base.sinks.map(rename),
    };
    const error = refusal(named);
    expect(error.code).toBe(ErrorCode.InvalidPlan);
    expect(error.message).toBe(
      "Plan 'test' is invalid: a method is named '__proto__', which objects keyed by method name cannot hold; rename it.",
    );
    expect(error.methods).toEqual(["__proto__"]);

    const exported = base.methods.map((method) =>
      method.name === "a" ? { ...method, exportName: "__proto__" } : method,
    );
    expect(refusal({ ...base, methods: exported }).message).toBe(
      "Plan 'test' is invalid: the export of 'a' is named '__proto__', which objects keyed by method name cannot hold; rename it.",
    );
  });

  it("refuses an edge to an unknown method", () => {
    expect(refusal({ ...base, edges: [...base.edges, { from: "b", to: "zz" }] }).message).toBe(
      "Plan 'test' is invalid: edge b → zz names an unknown method.",
    );
  });

  it("refuses inputs that disagree with the edges", () => {
    const methods = base.methods.map((method) => (method.name === "b" ? { ...method, inputs: [] } : method));
    expect(refusal({ ...base, methods }).message).toBe(
      "Plan 'test' is invalid: the inputs of 'b' (none) do not match its edges.",
    );
  });

  it("refuses methods out of topological order", () => {
    expect(refusal({ ...base, methods: [...base.methods].reverse() }).message).toBe(
      "Plan 'test' is invalid: 'b' comes before its input 'a'.",
    );
  });

  it("refuses worker counts, retries and timeouts out of bounds", () => {
    const withB = (patch: object): PlanDescriptor => ({
      ...base,
      methods: base.methods.map((method) => (method.name === "b" ? { ...method, ...patch } : method)),
    });
    expect(refusal(withB({ minWorkers: 0 })).message).toBe(
      "Plan 'test' is invalid: 'b' has minWorkers 0; it must be an integer ≥ 1.",
    );
    expect(refusal(withB({ minWorkers: 3, maxWorkers: 2 })).message).toBe(
      "Plan 'test' is invalid: 'b' has maxWorkers 2; it must be an integer ≥ minWorkers (3).",
    );
    expect(refusal(withB({ retries: -1 })).message).toBe(
      "Plan 'test' is invalid: 'b' has retries -1; it must be an integer ≥ 0.",
    );
    expect(refusal(withB({ timeoutMs: 0 })).message).toBe(
      "Plan 'test' is invalid: 'b' has timeoutMs 0; it must be a positive number or null.",
    );
  });

  it("refuses sources and sinks that disagree with the edges", () => {
    expect(refusal({ ...base, sources: ["a", "b"] }).message).toBe(
      "Plan 'test' is invalid: sources [a, b] should be [a].",
    );
    expect(refusal({ ...base, sinks: ["a"] }).message).toBe("Plan 'test' is invalid: sinks [a] should be [b].");
  });

  it("accepts a plan that went through JSON", () => {
    const plan = buildPlan({ a: {}, b: { mode: "parallel", minWorkers: 2, maxWorkers: 4 }, c: { timeoutMs: 50 } }, [
      ["a", "b"],
      ["b", "c"],
    ]);
    expect(() => createRunner(JSON.parse(JSON.stringify(plan)) as PlanDescriptor, methodsOf(plan))).not.toThrow();
  });
});

describe("createRunner refuses options out of bounds", () => {
  const plan = chain("a");

  it("refuses a worker limit that is not a positive integer", () => {
    for (const workers of [0, -1, 1.5, Number.NaN]) {
      const error = refusal(plan, { workers });
      expect(error.code).toBe(ErrorCode.InvalidOption);
      expect(error.message).toBe(`Runner option 'workers' must be an integer ≥ 1, got ${String(workers)}.`);
    }
  });

  it("refuses retry delays out of bounds", () => {
    expect(refusal(plan, { retryBackoff: { baseMs: -5 } }).message).toBe(
      "Runner option 'retryBackoff.baseMs' must be ≥ 0, got -5.",
    );
    expect(refusal(plan, { retryBackoff: { baseMs: 50, maxMs: 10 } }).message).toBe(
      "Runner option 'retryBackoff.maxMs' must be ≥ baseMs (50), got 10.",
    );
  });

  it("refuses an unknown backend name", () => {
    expect(refusal(plan, { backend: "gpu" as "inline" }).message).toBe(
      "Unknown backend 'gpu'; known: inline, threads.",
    );
  });
});
