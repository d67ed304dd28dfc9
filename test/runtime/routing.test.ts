import { describe, expect, it } from "vitest";
import { compilePlan } from "../../stdlib/scheduler.js";
import { failureLimit, settledError } from "../../stdlib/recovery.js";
import { buildPlan, chain } from "./plans.js";

describe("routing tables", () => {
  it("gives plans that use no routing none, and keeps their chains on the straight-line path", () => {
    const program = compilePlan(chain("a", "b", "c"));
    expect(program.tables.routing).toBeUndefined();
    expect(program.tables.keepsRunInput).toBe(false);
    expect(program.chain).toBe(true);
  });

  it("takes a chain that uses any routing field, or the run's input as a node, off the straight-line path", () => {
    const withInput = buildPlan({ a: {}, b: { inputs: ["@input", "a"] } }, [["a", "b"]]);
    expect(compilePlan(withInput).chain).toBe(false);
    expect(compilePlan(withInput).tables.keepsRunInput).toBe(true);
    const skipping = buildPlan({ a: { onError: "skip" }, b: {} }, [["a", "b"]]);
    expect(compilePlan(skipping).chain).toBe(false);
    expect(compilePlan(skipping).tables.routing?.recovers).toEqual([true, false]);
  });

  it("starts methods whose only input is the run's input with the sources, and waits for no helper", () => {
    const plan = buildPlan({ p: { helper: true }, a: { runIf: "p" }, b: { inputs: ["@input"] } });
    const tables = compilePlan(plan).tables;
    expect(tables.sources.map((i) => tables.names[i])).toEqual(["a", "b"]);
    expect(tables.inDegree).toEqual([0, 0, 0]);
    expect(tables.counted).toBe(2);
  });
});

describe("recovery", () => {
  it("reads max_failures as a count, or as a percent of the stage's items rounded down", () => {
    expect(failureLimit(null, 10)).toBe(Infinity);
    expect(failureLimit({ kind: "count", value: 3 }, 10)).toBe(3);
    expect(failureLimit({ kind: "percent", value: 5 }, 30)).toBe(1);
    expect(failureLimit({ kind: "percent", value: 5 }, 19)).toBe(0);
    expect(failureLimit({ kind: "percent", value: 5 }, undefined)).toBe(Infinity);
  });

  it("keeps an error's name, message and string code in a Settled record", () => {
    const coded = Object.assign(new TypeError("bad"), { code: "E_BAD" });
    expect(settledError(coded)).toEqual({ name: "TypeError", message: "bad", code: "E_BAD" });
    expect(settledError(Object.assign(new Error("x"), { code: 7 }))).toEqual({ name: "Error", message: "x" });
    expect(settledError("just a string")).toEqual({ name: "Error", message: "just a string" });
  });
});
