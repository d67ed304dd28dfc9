import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { peakDemand } from "../../stdlib/demand.js";
import { buildPlan, chain, type EdgeSpec, type MethodSpec } from "./plans.js";

const parallel = (minWorkers: number): MethodSpec => ({ mode: "parallel", minWorkers });

describe("peakDemand", () => {
  it("needs one worker for a chain of single methods", () => {
    const peak = peakDemand(chain("a", "b", "c"));
    expect(peak.workers).toBe(1);
    expect(peak.methods).toHaveLength(1);
  });

  it("adds up the branches of a fan-out that can run together", () => {
    const plan = buildPlan({ a: {}, b: {}, c: parallel(3), d: {} }, [
      ["a", "b"],
      ["a", "c"],
      ["b", "d"],
      ["c", "d"],
    ]);
    expect(peakDemand(plan)).toEqual({ workers: 4, methods: ["b", "c"] });
  });

  it("counts a parallel method's min_worker_count", () => {
    expect(peakDemand(buildPlan({ load: {}, each: parallel(8) }, [["load", "each"]]))).toEqual({
      workers: 8,
      methods: ["each"],
    });
  });

  it("finds methods that overlap across topological levels", () => {
    // Level by level: {a, x} = 3, {b, y} = 4, {c} = 1. But `b` (level 1) can run alongside `x` (level 0): 5.
    const plan = buildPlan({ a: {}, b: parallel(3), c: {}, x: parallel(2), y: {} }, [
      ["a", "b"],
      ["b", "c"],
      ["x", "y"],
    ]);
    expect(peakDemand(plan)).toEqual({ workers: 5, methods: ["b", "x"] });
  });

  it("does not count a method together with its indirect descendants", () => {
    // `a` and `c` are not adjacent but `c` depends on `a` through `b`.
    const plan = buildPlan({ a: parallel(4), b: {}, c: parallel(4), side: {} }, [
      ["a", "b"],
      ["b", "c"],
    ]);
    const peak = peakDemand(plan);
    expect(peak.workers).toBe(5);
    expect([
      ["a", "side"],
      ["c", "side"],
    ]).toContainEqual(peak.methods);
  });

  it("equals the heaviest antichain found by brute force on random plans", () => {
    const plans = fc.integer({ min: 1, max: 8 }).chain((n) =>
      fc.record({
        weights: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: n, maxLength: n }),
        edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 14 }),
      }),
    );
    fc.assert(
      fc.property(plans, ({ weights, edges }) => {
        const names = weights.map((_, i) => `m${i}`);
        // Orient every edge from the lower to the higher index: always acyclic.
        const dag: EdgeSpec[] = edges
          .filter(([x, y]) => x !== y)
          .map(([x, y]) => [names[Math.min(x, y)] ?? "", names[Math.max(x, y)] ?? ""] as const);
        const specs = Object.fromEntries(names.map((name, i) => [name, parallel(weights[i] ?? 1)]));
        const plan = buildPlan(specs, dag);

        // reaches: "i→j" for every path, by relaxing the edges until nothing changes.
        const reaches = new Set(names.map((_, i) => `${i}→${i}`));
        for (let round = 0; round < names.length; round++) {
          for (const [from, to] of dag) {
            const x = names.indexOf(from);
            const y = names.indexOf(to);
            for (let i = 0; i < names.length; i++) if (reaches.has(`${i}→${x}`)) reaches.add(`${i}→${y}`);
          }
        }
        const comparable = (i: number, j: number): boolean => reaches.has(`${i}→${j}`) || reaches.has(`${j}→${i}`);
        let best = 0;
        for (let mask = 1; mask < 1 << names.length; mask++) {
          const members = names.map((_, i) => i).filter((i) => (mask & (1 << i)) !== 0);
          if (members.some((i) => members.some((j) => i !== j && comparable(i, j)))) continue;
          best = Math.max(
            best,
            members.reduce((sum, i) => sum + (weights[i] ?? 0), 0),
          );
        }

        const peak = peakDemand(plan);
        expect(peak.workers).toBe(best);
        const chosen = peak.methods.map((name) => names.indexOf(name));
        expect(chosen.some((i) => chosen.some((j) => i !== j && comparable(i, j)))).toBe(false);
        expect(chosen.reduce((sum, i) => sum + (weights[i] ?? 0), 0)).toBe(best);
      }),
      { numRuns: 300 },
    );
  });
});
