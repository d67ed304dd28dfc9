import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/index.js";
import { createSourceText } from "../../grammar/source.js";
import { contextAt, type CursorContext } from "../../src/language/context-at.js";
import { validManifest } from "../grammar/manifest-arbitrary.js";
import { cursor } from "./language-project.js";

/** The context at the `|` of `marked`. */
function at(marked: string): CursorContext {
  const { text, offset } = cursor(marked);
  return contextAt(text, offset);
}

describe("contextAt", () => {
  it("reads half-typed statements the parser gives up on", () => {
    expect(at("import { a } from |")).toEqual({ kind: "importSource", replace: { start: 18, end: 18 }, quoted: false });
    expect(at('import { a } from "./e|')).toEqual({
      kind: "importSource",
      replace: { start: 19, end: 22 },
      quoted: true,
    });
    expect(at("a, b {\n  execution_flow: par|")).toMatchObject({
      kind: "propertyValue",
      key: "execution_flow",
      word: { start: 25, end: 28 },
    });
    // A block never closed ends where a new name list begins.
    expect(at("a { retries: 1;\nb, | {")).toMatchObject({ kind: "groupName", names: ["b"] });
    expect(at("backend |")).toEqual({ kind: "backendValue", word: { start: 8, end: 8 } });
  });

  it("tells the header from the groups", () => {
    expect(at('import { a } from "./m";\n|')).toMatchObject({ kind: "statement", header: true });
    expect(at("a {}\n|")).toMatchObject({ kind: "statement", header: false });
    expect(at("{\n  |")).toMatchObject({ kind: "statement", header: false });
    // `backend` followed by what can only begin a group is a name.
    expect(at("backend, |")).toMatchObject({ kind: "groupName", names: ["backend"] });
  });

  it("knows the names around the cursor", () => {
    expect(at("a, |, c { retries: 1; }")).toMatchObject({ kind: "groupName", names: ["a", "c"] });
    expect(at("a { retries: 1; | timeout: 2s; }")).toMatchObject({
      kind: "propertyKey",
      written: ["retries", "timeout"],
      names: ["a"],
    });
    expect(at('import { a, | as d, c } from "./m";')).toMatchObject({
      kind: "importName",
      source: "./m",
      listed: ["a", "c"],
    });
  });

  it("finds nothing in comments, strings other than a module's, or after a name where a comma belongs", () => {
    for (const marked of [
      "// a, |",
      "/* a, | */",
      "a { branch_on: 'x|' }",
      "a |",
      "a { retries |",
      "import { a as |",
    ]) {
      expect(at(marked), marked).toEqual({ kind: "none" });
    }
  });

  it("reads every name, key and value of a well-formed manifest as the parser does", () => {
    fc.assert(
      fc.property(validManifest, (text) => {
        const { document, diagnostics } = parse(createSourceText("etl.flow", text));
        fc.pre(diagnostics.every((d) => d.severity !== "error"));
        for (const declaration of document.imports) {
          for (const specifier of declaration.specifiers) {
            expect(contextAt(text, specifier.imported.span.end)).toMatchObject({
              kind: "importName",
              word: specifier.imported.span,
              source: declaration.source.value,
            });
          }
          const inside = declaration.source.span.start + 1;
          expect(contextAt(text, inside)).toMatchObject({ kind: "importSource", quoted: true });
        }
        for (const backend of document.backends) {
          if (backend.value.kind !== "Identifier") continue;
          expect(contextAt(text, backend.value.span.end)).toEqual({ kind: "backendValue", word: backend.value.span });
        }
        for (const group of document.groups) {
          for (const [index, method] of group.methods.entries()) {
            const names = group.methods.filter((_, other) => other !== index).map((name) => name.name);
            expect(contextAt(text, method.span.end)).toMatchObject(
              index === 0 ? { kind: "statement", word: method.span } : { kind: "groupName", word: method.span, names },
            );
          }
          for (const property of group.block.properties) {
            expect(contextAt(text, property.key.span.end)).toMatchObject({
              kind: "propertyKey",
              word: property.key.span,
            });
            const value = property.value;
            const expected =
              value.kind === "Identifier"
                ? { kind: "propertyValue", key: property.key.name, word: value.span }
                : value.kind === "NumberLiteral"
                  ? { kind: "unit", key: property.key.name }
                  : { kind: "none" };
            expect(contextAt(text, value.span.end)).toMatchObject(expected);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
