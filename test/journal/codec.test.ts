/**
 * The stores' serialisations: what comes back as it went (structured cloning
 * locally, JSON in Redis, with `undefined` put back in its places), and what
 * is refused with `FLOW_NOT_STORABLE` because it would not: never a value
 * that changed on the way.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeClone, decodeJsonValue, encodeClone, encodeJson } from "../../stdlib/journal/codec.js";
import { ErrorCode, JournalError } from "../../stdlib/errors.js";

const where = "/journal";

function refusal(encode: () => unknown): JournalError {
  try {
    encode();
  } catch (error) {
    expect(error).toBeInstanceOf(JournalError);
    expect((error as JournalError).code).toBe(ErrorCode.NotStorable);
    return error as JournalError;
  }
  throw new Error("expected the value to be refused");
}

const clone = (value: unknown): unknown => decodeClone(encodeClone(value, where, "m"), where, "it");
const json = (value: unknown): unknown => decodeJsonValue(encodeJson(value, where, "m"), where, "it");

describe("structured cloning (SQLite)", () => {
  it("keeps what cloning keeps: maps, sets, dates, typed arrays, bigints, errors, shared and cyclic references", () => {
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic["self"] = cyclic;
    const value = {
      map: new Map<unknown, unknown>([[{ k: 1 }, new Set([1, "a"])]]),
      date: new Date(5),
      bytes: new Uint8Array([1, 2]),
      buffer: Buffer.from("hi"),
      big: 10n ** 30n,
      error: new TypeError("bad", { cause: { at: 3 } }),
      pair: [shared, shared],
      cyclic,
      nothing: undefined,
      nan: NaN,
    };
    const back = clone(value) as typeof value;
    expect(back).toEqual(value);
    expect(back.error).toBeInstanceOf(TypeError);
    expect(back.buffer).toBeInstanceOf(Buffer);
    expect(back.pair[0]).toBe(back.pair[1]);
    expect(back.cyclic["self"]).toBe(back.cyclic);
    expect(Object.keys(back)).toContain("nothing");
  });

  it.each([
    ["a function", { f: () => 1 }, "$.f is a function"],
    ["a symbol", [1, Symbol("s")], "$[1] is a symbol"],
    [
      "a class instance",
      { at: { deep: new (class Money {})() } },
      "$.at.deep is a Money, whose class cloning would lose",
    ],
    ["an error with members", { e: Object.assign(new Error("x"), { code: "E1" }) }, "member 'code'"],
    ["a WeakMap", new WeakMap(), "$ is a WeakMap"],
    ["a function in a map", new Map([["k", () => 1]]), "$.<value 0> is a function"],
    ["a symbol key", { [Symbol("k")]: 1 }, "$ has symbol keys"],
  ])("refuses %s, saying where", (_, value, words) => {
    const error = refusal(() => encodeClone(value, where, "score"));
    expect(error.message).toContain("An output of 'score' cannot be stored in the run journal at /journal");
    expect(error.message).toContain("(by structured cloning)");
    expect(error.message).toContain(words);
  });
});

describe("JSON (Redis)", () => {
  it("keeps undefined in its places, at the top and deep down", () => {
    const value = { a: undefined, list: [1, undefined, { b: undefined, c: [undefined] }] };
    const back = json(value) as typeof value;
    expect(back).toEqual(value);
    // Put back after JSON dropped it, a member holding undefined comes last in its object.
    expect(Object.keys(back)).toEqual(["list", "a"]);
    expect(Object.keys(back.list[2]!)).toEqual(["c", "b"]);
    expect(json(undefined)).toBeUndefined();
    expect(encodeJson(undefined, where, "m")).toBe("[null,[0]]");
  });

  it.each([
    ["NaN", { n: NaN }, "$.n is NaN, which JSON writes as null"],
    ["Infinity", [Infinity], "$[0] is Infinity"],
    ["a date", { at: new Date(0) }, "$.at is a Date, which JSON does not write as it is"],
    ["a map", new Map(), "$ is a Map"],
    ["a bigint", { n: 1n }, "$.n is a bigint"],
    ["a prototype-polluting key", JSON.parse('{"x": {"__proto__": {"admin": true}}}'), "the key '__proto__'"],
    [
      "a cycle",
      (() => {
        const o: Record<string, unknown> = {};
        o["o"] = o;
        return o;
      })(),
      "circular",
    ],
    ["undefined deeper than holes reach", nest(40, { u: undefined }), "undefined deeper than 32 levels"],
    ["nesting deeper than the bullmq backend carries", nest(1_100, 1), "nests deeper than 1000 levels"],
  ])("refuses %s", (_, value, words) => {
    const error = refusal(() => encodeJson(value, where, "m"));
    expect(error.message).toContain("(as JSON)");
    expect(error.message).toContain(words);
  });

  it("gives back any JSON value as JSON gives it back", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // Keys that could pollute prototypes are refused (above); -0 comes back as 0, which it equals.
        fc.pre(!/__proto__|constructor|prototype/.test(JSON.stringify(value)));
        expect(json(value)).toStrictEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses stored text that is not one of its values as a damaged journal", () => {
    for (const text of ["{", "{}", "[]", "[1,2,3]", '[1,"x"]', '[{"a":1},[[0,"b","c"]]]']) {
      expect(() => decodeJsonValue(text, where, "the output stored under 'k'")).toThrow(
        /is corrupt or not a flowc journal: the output stored under 'k' cannot be read/,
      );
    }
  });
});

function nest(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { d: value };
  return value;
}
