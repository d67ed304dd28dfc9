import { ts } from "ts-morph";
import { describe, expect, it } from "vitest";
import {
  commentSafe,
  dataLiteral,
  isIdentifierName,
  memberAccess,
  propertyName,
  typeOfMember,
} from "../../src/emit/syntax.js";

const print = (node: ts.Node): string => {
  const file = ts.createSourceFile("x.ts", "", ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  return ts.createPrinter({ newLine: ts.NewLineKind.LineFeed }).printNode(ts.EmitHint.Unspecified, node, file);
};

describe("isIdentifierName", () => {
  it.each([
    ["extract", true],
    ["$x_1", true],
    ["café", true],
    ["default", true],
    ["", false],
    ["1x", false],
    ["a-b", false],
    ["a b", false],
    ['x"]', false],
  ])("%j → %s", (name, expected) => {
    expect(isIdentifierName(name)).toBe(expected);
  });
});

describe("names and members", () => {
  it("quotes what is no identifier and computes __proto__", () => {
    expect(print(propertyName("a"))).toBe("a");
    expect(print(propertyName("a-b"))).toBe('"a-b"');
    expect(print(propertyName("__proto__"))).toBe('["__proto__"]');
  });

  it("reaches members by name or by string", () => {
    expect(print(memberAccess(ts.factory.createIdentifier("m0"), "load"))).toBe("m0.load");
    expect(print(memberAccess(ts.factory.createIdentifier("m0"), 'a"b'))).toBe('m0["a\\"b"]');
    expect(print(typeOfMember("m0", "load"))).toBe("typeof m0.load");
    expect(print(typeOfMember("m0", "a-b"))).toBe('(typeof m0)["a-b"]');
  });
});

describe("dataLiteral", () => {
  it("writes plain data as an expression that evaluates back to it", () => {
    const value = {
      a: [1, -2, 0.5, -0],
      "b-c": { d: null, e: true, f: false },
      g: 'quote " and \\ and \u2028',
      h: undefined,
    };
    const text = print(dataLiteral(value));
    expect(new Function(`return (${text});`)()).toEqual({
      a: [1, -2, 0.5, -0],
      "b-c": { d: null, e: true, f: false },
      g: 'quote " and \\ and \u2028',
    });
  });

  it("refuses what is not plain data", () => {
    expect(() => dataLiteral(Number.NaN)).toThrow("finite numbers");
    expect(() => dataLiteral(() => 1)).toThrow("plain data");
  });
});

describe("commentSafe", () => {
  it("keeps text from ending a line or block comment", () => {
    expect(commentSafe("a\nb\r\u2028c\u2029 */ d")).toBe("a\\u000ab\\u000d\\u2028c\\u2029 *\\/ d");
  });
});
