import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeJson, holesWithin, restoreHoles } from "../../stdlib/backends/bullmq/payload.js";

/** What a value becomes on its way to a bullmq worker: JSON text, and the places JSON cannot say hold `undefined`. */
function roundTrip(values: unknown[]): unknown[] {
  const holes = holesWithin(values);
  const arrived = decodeJson(JSON.stringify(values)) as unknown[];
  return restoreHoles(arrived, JSON.parse(JSON.stringify(holes)) as unknown[]);
}

describe("undefined in a single call's input over JSON", () => {
  it("keeps a skipped input's key present with undefined, and undefined elements of arrays", () => {
    const input = { "@input": { team: "a" }, summarize: undefined, items: [1, undefined, { x: undefined }] };
    const [arrived] = roundTrip([input]);
    expect(arrived).toStrictEqual(input);
    // Present, though after the keys JSON kept: a key's place among them does not travel.
    expect(Object.keys(arrived as object).sort()).toEqual(["@input", "items", "summarize"]);
  });

  it("gives back any JSON value with undefined sprinkled in, exactly", () => {
    const leaf = fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null), fc.constant(undefined));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        leaf,
        fc.array(tie("node")),
        fc.dictionary(fc.string(), tie("node"), { noNullPrototype: true }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.array(value, { maxLength: 3 }), (values) => {
        // Keys JSON.parse makes own data (`__proto__` is refused on the way, as it is for any payload).
        fc.pre(!JSON.stringify(values).includes("__proto__"));
        expect(roundTrip(values)).toStrictEqual(values);
      }),
    );
  });

  it("refuses places that are not in the value or would reach a prototype", () => {
    expect(() => restoreHoles([{ a: 1 }], [[0, "b", "c"]])).toThrow(/out of range/);
    expect(() => restoreHoles([[1, 2]], [[0, 5]])).toThrow(/out of range/);
    expect(() => restoreHoles([{}], [[0, "__proto__"]])).toThrow(/out of range/);
    expect(() => restoreHoles([{}], [["0"]])).toThrow(/out of range/);
  });
});
