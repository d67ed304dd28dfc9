import { describe, expect, it } from "vitest";
import {
  createRunner,
  ErrorCode,
  PlanError,
  threads,
  type PlanDescriptor,
  type RunnerOptions,
  type ThreadsOptions,
} from "../../stdlib/index.js";
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
    const error = refusal({ ...base, format: 1 } as unknown as PlanDescriptor);
    expect(error.code).toBe(ErrorCode.InvalidPlan);
    expect(error.message).toBe(
      "Plan 'test' is invalid: format 1 is not supported (expected 5); rebuild it with this version of flowc.",
    );
  });

  it("refuses a plan without methods", () => {
    expect(refusal({ ...base, methods: [], edges: [], sources: [], sinks: [] }).message).toBe(
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

  it("refuses a method or an export named then, which would make a module or an object of outputs a thenable", () => {
    const exported = base.methods.map((method) => (method.name === "a" ? { ...method, exportName: "then" } : method));
    const error = refusal({ ...base, methods: exported });
    expect(error.message).toBe(
      "Plan 'test' is invalid: the export of 'a' is named 'then', which would make a module or an object of outputs a thenable; rename it.",
    );
    expect(error.methods).toEqual(["a"]);
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
      "Plan 'test' is invalid: 'b' has minWorkers 0; it must be an integer from 1 to 2147483647.",
    );
    expect(refusal(withB({ minWorkers: 3, maxWorkers: 2 })).message).toBe(
      "Plan 'test' is invalid: 'b' has maxWorkers 2; it must be an integer from minWorkers (3) to 2147483647, or null.",
    );
    expect(refusal(withB({ retries: -1 })).message).toBe(
      "Plan 'test' is invalid: 'b' has retries -1; it must be an integer from 0 to 2147483647.",
    );
    expect(refusal(withB({ timeoutMs: 0 })).message).toBe(
      "Plan 'test' is invalid: 'b' has timeoutMs 0; it must be more than 0 and at most 2147483647 " +
        "(2^31 − 1 ms, about 24.8 days: the longest delay Node's timers honour), or null.",
    );
  });

  it("refuses worker counts that are not integers, negative or huge, and timeouts beyond Node's timers", () => {
    const withB = (patch: object): PlanDescriptor => ({
      ...base,
      methods: base.methods.map((method) => (method.name === "b" ? { ...method, ...patch } : method)),
    });
    for (const minWorkers of [1.5, -4, 99999999999, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = refusal(withB({ minWorkers }));
      expect(error.code).toBe(ErrorCode.InvalidPlan);
      expect(error.message).toBe(
        `Plan 'test' is invalid: 'b' has minWorkers ${minWorkers}; it must be an integer from 1 to 2147483647.`,
      );
      expect(error.methods).toEqual(["b"]);
    }
    expect(refusal(withB({ maxWorkers: 2 ** 31 })).message).toContain("'b' has maxWorkers 2147483648;");
    // One millisecond past what setTimeout honours: it would fire at once.
    expect(refusal(withB({ timeoutMs: 2 ** 31 })).message).toBe(
      "Plan 'test' is invalid: 'b' has timeoutMs 2147483648; it must be more than 0 and at most 2147483647 " +
        "(2^31 − 1 ms, about 24.8 days: the longest delay Node's timers honour), or null.",
    );
    expect(() => createRunner(withB({ timeoutMs: 2 ** 31 - 1 }), methodsOf(base))).not.toThrow();
    expect(refusal(withB({ shardSize: 0 })).message).toBe(
      "Plan 'test' is invalid: 'b' has shardSize 0; it must be an integer ≥ 1, or null.",
    );
  });

  it("refuses runner and threads options beyond Node's timers or the counts the runtime keeps", () => {
    expect(refusal(base, { retryBackoff: { baseMs: 1, maxMs: 2 ** 31 } }).message).toBe(
      "Runner option 'retryBackoff.maxMs' must be from baseMs (1) to 2147483647 ms (the longest delay Node's timers honour), got 2147483648 ms.",
    );
    expect(refusal(base, { workers: 1e12 }).message).toBe(
      "Runner option 'workers' must be an integer from 1 to 2147483647, got 1000000000000.",
    );
    const threadsRefusal = (options: ThreadsOptions): string => {
      try {
        threads(options);
      } catch (error) {
        expect(error).toBeInstanceOf(PlanError);
        expect((error as PlanError).code).toBe(ErrorCode.InvalidOption);
        return (error as Error).message;
      }
      throw new Error("threads() accepted the options");
    };
    expect(threadsRefusal({ cancelGraceMs: 2 ** 31 })).toBe(
      "threads() option 'cancelGraceMs' must be from 0 to 2147483647 ms (the longest delay Node's timers honour), " +
        "got 2147483648 ms.",
    );
    expect(threadsRefusal({ idleTimeoutMs: Number.POSITIVE_INFINITY })).toBe(
      "threads() option 'idleTimeoutMs' must be from 0 to 2147483647 ms (the longest delay Node's timers honour), " +
        "got Infinity ms.",
    );
    expect(threadsRefusal({ maxThreads: 99999999999 })).toBe(
      "threads() option 'maxThreads' must be an integer from 1 to 2147483647, got 99999999999.",
    );
    expect(threadsRefusal({ maxCrashes: 0.5 })).toBe(
      "threads() option 'maxCrashes' must be an integer from 1 to 2147483647, got 0.5.",
    );
  });

  it("refuses sources and sinks that disagree with the edges", () => {
    expect(refusal({ ...base, sources: ["a", "b"] }).message).toBe(
      "Plan 'test' is invalid: sources [a, b] should be [a].",
    );
    expect(refusal({ ...base, sinks: ["a"] }).message).toBe("Plan 'test' is invalid: sinks [a] should be [b].");
  });

  it("refuses concurrent groups that are not lists of two or more of its methods", () => {
    expect(refusal({ ...base, concurrent: [["a", "ghost"]] }).message).toBe(
      'Plan \'test\' is invalid: a concurrent group must name two or more of its methods, got ["a","ghost"].',
    );
    expect(refusal({ ...base, concurrent: [["a"]] }).message).toMatch(/two or more of its methods, got \["a"\]/);
    expect(refusal({ ...base, concurrent: undefined as never }).message).toBe(
      "Plan 'test' is invalid: 'concurrent' must be a list of groups of method names.",
    );
    expect(() => createRunner({ ...base, concurrent: [["a", "b"]] }, methodsOf(base))).not.toThrow();
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
      expect(error.message).toBe(
        `Runner option 'workers' must be an integer from 1 to 2147483647, got ${String(workers)}.`,
      );
    }
  });

  it("refuses retry delays out of bounds", () => {
    expect(refusal(plan, { retryBackoff: { baseMs: -5 } }).message).toBe(
      "Runner option 'retryBackoff.baseMs' must be from 0 to 2147483647 ms (the longest delay Node's timers honour), got -5 ms.",
    );
    expect(refusal(plan, { retryBackoff: { baseMs: 50, maxMs: 10 } }).message).toBe(
      "Runner option 'retryBackoff.maxMs' must be from baseMs (50) to 2147483647 ms (the longest delay Node's timers honour), " +
        "got 10 ms.",
    );
  });

  it("refuses an unknown backend name", () => {
    expect(refusal(plan, { backend: "gpu" as "inline" }).message).toBe(
      "Unknown backend 'gpu'; known: inline, threads.",
    );
  });
});
