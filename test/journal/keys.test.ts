/**
 * Journal keys of call inputs (stdlib/journal/keys.ts, canonical-input.ts):
 * equal inputs get one key however the engine holds them (an array filled
 * into fresh storage as a resumed stage assembles it, integers held as
 * doubles), inputs a method can tell apart get different keys, and inputs
 * that cannot be keyed faithfully get none.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { callKey, journaled, keyPrefix } from "../../stdlib/journal/keys.js";
import { buildPlan } from "../runtime/plans.js";

const key = (input: unknown): string | undefined => callKey("module\0export\0code\0", true, input);

/** `values` in an array whose storage allows holes (as `new Array(n)` makes), none left. */
function filledIn(values: readonly unknown[]): unknown[] {
  const array = new Array<unknown>(values.length);
  values.forEach((value, i) => (array[i] = value));
  return array;
}

/** `values` (integers) in an array that held a fraction first: V8 keeps them as doubles. */
function asDoubles(values: readonly number[]): number[] {
  const array = [0.5, ...values];
  array.shift();
  return array;
}

/** Nested `depth` arrays deep. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** An object that holds itself. */
function cycle(): unknown {
  const value: { self?: unknown } = {};
  value.self = value;
  return value;
}

describe("journal keys of call inputs", () => {
  it("are one key for equal inputs however they are held", () => {
    const squares = Array.from({ length: 40 }, (_, i) => i * i);
    expect(key(filledIn(squares))).toBe(key(squares));
    expect(key(asDoubles([1, 2, 3]))).toBe(key([1, 2, 3]));
    // An object whose field once held a fraction, and the same field in an object built afresh.
    const once = { amount: 1.5 };
    once.amount = 2;
    expect(key(once)).toBe(key(JSON.parse('{"amount":2}')));
    expect(key({ rows: filledIn([{ a: 1 }, { a: 2 }]) })).toBe(key({ rows: [{ a: 1 }, { a: 2 }] }));
    expect(key(new Map([["a", [1, 2]]]))).toBe(key(new Map([["a", filledIn([1, 2])]])));
    // A small Buffer lives in a shared pool: only its own bytes count.
    expect(key(Buffer.from("abc"))).toBe(key(Buffer.from(new Uint8Array([97, 98, 99]))));
    const payloadNaN = new Float64Array(new Uint32Array([1, 0x7ff00000]).buffer)[0];
    expect(key([payloadNaN])).toBe(key([Number.NaN]));
    expect(key(new Date(5))).toBe(key(new Date(5)));
    // Outputs reused from the journal share no object, even where the method's own outputs did.
    const shared = { a: 1 };
    expect(key([shared, shared])).toBe(key([{ a: 1 }, { a: 1 }]));
  });

  it("are different keys for inputs a method can tell apart", () => {
    const pairs: readonly (readonly [unknown, unknown])[] = [
      [[undefined], new Array(1)],
      [0, -0],
      [1, "1"],
      [1n, "1"],
      [1, new Date(1)],
      [null, undefined],
      [true, 1],
      [[[1], [2]], [[1, 2]]],
      [["ab"], ["a", "b"]],
      [
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ],
      [{ a: [1] }, { a: 1 }],
      ["\ud800", "\ufffd"],
      [new Set([1]), [1]],
      [new Map([[1, 2]]), new Map([[2, 1]])],
      [new Uint8Array([1]), new Int8Array([1])],
      [/a/g, /a/i],
      [new Error("x"), new Error("y")],
    ];
    for (const [one, other] of pairs) {
      expect(key(one), `${String(one)} and ${String(other)}`).not.toBe(key(other));
      expect(key(one)).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("are not made for inputs that cannot be keyed faithfully", () => {
    class Point {
      constructor(readonly x: number) {}
    }
    class List extends Array<number> {}
    class Table extends Map<string, number> {}
    for (const input of [
      new Point(1),
      [new Point(1)],
      { f: () => 1 },
      Symbol("s"),
      { s: Symbol("s") },
      new List(),
      new Table(),
      nested(100),
      cycle(),
    ]) {
      expect(key(input)).toBeUndefined();
    }
    expect(key(nested(60))).toMatch(/^[0-9a-f]{64}$/);
  });

  it("are keyed by code alone for a method that takes no input", () => {
    expect(callKey("p\0", false, 1)).toBe(callKey("p\0", false, { other: true }));
    expect(callKey("p\0", false, undefined)).not.toBe(callKey("q\0", false, undefined));
  });
});

describe("journal keys of JSON inputs", () => {
  it("tell apart any two JSON values that differ", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b) || Object.is(a, -0) !== Object.is(b, -0));
        expect(key(a)).not.toBe(key(b));
      }),
      { numRuns: 300 },
    );
  });

  it("are the key of the same value written without JSON's shortcut when it cannot be taken", () => {
    // A plain object and the same with an `undefined` member (JSON would drop it) are told apart.
    expect(key({ a: 1 })).not.toBe(key({ a: 1, b: undefined }));
    // An object without a prototype is no plain object to JSON, but holds the same data.
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(key(bare)).toMatch(/^[0-9a-f]{64}$/);
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
