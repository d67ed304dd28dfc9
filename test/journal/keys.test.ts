import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { callKey, journaled, keyPrefix } from "../../stdlib/journal/keys.js";
import { buildPlan } from "../runtime/plans.js";

const PREFIX = "./m\0f\0code\0";
const key = (input: unknown): string | undefined => callKey(PREFIX, true, input);

class Celsius {
  constructor(readonly value: number) {}
}
class Fahrenheit {
  constructor(readonly value: number) {}
}

describe("journal keys", () => {
  it("are the same for equal inputs and differ for inputs a method can tell apart", () => {
    expect(key({ a: [1, "x"] })).toBe(key({ a: [1, "x"] }));
    const distinct: unknown[] = [
      1,
      "1",
      -0,
      0,
      NaN,
      null,
      undefined,
      true,
      [],
      {},
      { a: undefined },
      [undefined],
      // A hole is no `undefined`.
      // eslint-disable-next-line no-sparse-arrays
      [, 1],
      [null, 1],
      new Date(0),
      new Date(0).toISOString(),
      new Map([[1, 2]]),
      new Set([1, 2]),
      [1, 2],
      1n,
      Object.create(null) as object,
    ];
    const keys = distinct.map(key);
    expect(keys.every((k) => typeof k === "string" && /^[0-9a-f]{64}$/.test(k))).toBe(true);
    expect(new Set(keys).size).toBe(distinct.length);
  });

  it("differ by method identity and code", () => {
    expect(callKey("./m\0f\0a\0", true, 1)).not.toBe(callKey("./m\0f\0b\0", true, 1));
    expect(callKey("./m\0f\0a\0", true, 1)).not.toBe(callKey("./m\0g\0a\0", true, 1));
    // A method without input is keyed by its code alone.
    expect(callKey(PREFIX, false, 1)).toBe(callKey(PREFIX, false, 2));
  });

  it("are not made for inputs whose copy would lose what a method sees of them", () => {
    // Two classes with the same fields would share a key.
    expect(key(new Celsius(1))).toBeUndefined();
    expect(key(new Fahrenheit(1))).toBeUndefined();
    expect(key({ t: [new Celsius(1)] })).toBeUndefined();
    expect(key(new Map([["t", new Celsius(1)]]))).toBeUndefined();
    expect(key({ f: () => 1 })).toBeUndefined();
    expect(key(Symbol("s"))).toBeUndefined();
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(key(deep)).toBeUndefined();
  });

  it("tell apart any two JSON values that differ", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b) || Object.is(a, -0) !== Object.is(b, -0));
        expect(key(a)).not.toBe(key(b));
      }),
      { numRuns: 300 },
    );
  });

  it("are made only for methods that may be cached and whose code was read", () => {
    const plan = buildPlan({ a: {}, b: { cache: false, codeHash: "x" }, c: { codeHash: "y" } }, [
      ["a", "b"],
      ["b", "c"],
    ]);
    const by = new Map(plan.methods.map((method) => [method.name, method]));
    expect(journaled(by.get("a")!)).toBe(false);
    expect(journaled(by.get("b")!)).toBe(false);
    expect(journaled(by.get("c")!)).toBe(true);
    expect(keyPrefix(by.get("c")!)).toContain("y");
  });
});
