import { describe, expect, it } from "vitest";
import {
  dataLiteral,
  isIdentifierName,
  memberAccess,
  propertyName,
  typeOfMember,
  withDoc,
  withLineComments,
} from "../../src/emit/syntax.js";
import { commentSafe } from "../../src/syntax/literals.js";
import { printExpressionText, printModule, printTypeText } from "../../src/syntax/print.js";
import * as t from "../../src/syntax/tree.js";

/** A property key as an object literal writes it. */
const key = (name: string): string => printExpressionText(t.object([t.property(propertyName(name), t.number(1))]));

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
    ["a\u200Cb", true],
    ["\u200Cb", false],
    ["𝑥", true],
    ["a\u2028", false],
  ])("%j → %s", (name, expected) => {
    expect(isIdentifierName(name)).toBe(expected);
  });
});

describe("names and members", () => {
  it("quotes what is no identifier and computes __proto__", () => {
    expect(key("a")).toBe("{ a: 1 }");
    expect(key("a-b")).toBe('{ "a-b": 1 }');
    expect(key("__proto__")).toBe('{ ["__proto__"]: 1 }');
  });

  it("reaches members by name or by string", () => {
    expect(printExpressionText(memberAccess(t.identifier("m0"), "load"))).toBe("m0.load");
    expect(printExpressionText(memberAccess(t.identifier("m0"), 'a"b'))).toBe("m0['a\"b']");
    expect(printExpressionText(memberAccess(t.identifier("m0"), "a\"'b"))).toBe('m0["a\\"\'b"]');
    expect(printTypeText(typeOfMember("m0", "load"))).toBe("typeof m0.load");
    expect(printTypeText(typeOfMember("m0", "a-b"))).toBe('(typeof m0)["a-b"]');
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
    const text = printExpressionText(dataLiteral(value));
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

  it("is applied to the comments attached to statements", () => {
    const statement = t.variable("x", { initializer: t.number(1) });
    expect(printModule([withDoc(statement, ["one */ two\nthree"])])).toBe(
      "/** one *\\/ two\\u000athree */\nconst x = 1;\n",
    );
    expect(printModule([withDoc(statement, ["a", "", "b"])])).toBe("/**\n * a\n *\n * b\n */\nconst x = 1;\n");
    expect(printModule([withLineComments(statement, ["a\rb", "c"])])).toBe("// a\\u000db\n// c\nconst x = 1;\n");
  });
});
