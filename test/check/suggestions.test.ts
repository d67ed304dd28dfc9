import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closestMatch, editDistanceWithin } from "../../grammar/diagnostics/diagnostic.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** The whole matrix, as plainly as it can be written: the distance the bounded search must agree with. */
function referenceDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}

// Few letters, so that random words share much and land at every distance.
const word = fc.string({ unit: fc.constantFrom("a", "b", "c", "_"), maxLength: 14 });

describe("did you mean", () => {
  it("finds the edit distance whenever it is within the limit, and only then", () => {
    fc.assert(
      fc.property(word, word, fc.nat({ max: 12 }), (a, b, limit) => {
        const distance = referenceDistance(a, b);
        expect(editDistanceWithin(a, b, limit)).toBe(distance <= limit ? distance : undefined);
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it("suggests the first closest candidate within a third of the name's length", () => {
    fc.assert(
      fc.property(word, fc.array(word, { maxLength: 8 }), (name, candidates) => {
        const limit = Math.max(1, Math.floor(name.length / 3));
        let expected: string | undefined;
        let best = Infinity;
        for (const candidate of candidates) {
          const distance = referenceDistance(name, candidate);
          if (candidate !== name && distance <= limit && distance < best) [expected, best] = [candidate, distance];
        }
        expect(closestMatch(name, candidates)).toBe(expected);
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it("matches 64 KB names against each other at the cost of short ones: at most ten edits apart", () => {
    const long = "y".repeat(65_536);
    expect(closestMatch(`${long}z`, ["extract", long, `${long}zz`])).toBe(long);
    expect(closestMatch(long, [`${"x".repeat(20)}${long.slice(20)}`])).toBeUndefined();
    expect(closestMatch(long, [`${"x".repeat(10)}${long.slice(10)}`])).toBe(`${"x".repeat(10)}${long.slice(10)}`);
  });
});
