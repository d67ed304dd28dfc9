import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyEdits,
  insertStatementAfter,
  insertStatementBefore,
  removeListItem,
  removeStatement,
} from "../../grammar/diagnostics/fixes.js";
import type { Span } from "../../grammar/ast.js";
import { parse } from "../../grammar/index.js";
import { createSourceText } from "../../grammar/source.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** The span of the `occurrence`-th `part` of `text` (the first by default). */
function spanOf(text: string, part: string, occurrence = 1): Span {
  let start = -1;
  for (let i = 0; i < occurrence; i++) start = text.indexOf(part, start + 1);
  if (start < 0) throw new Error(`'${part}' is not in the text`);
  return { start, end: start + part.length };
}

function removing(text: string, part: string, occurrence = 1): string {
  return applyEdits(text, [removeStatement(createSourceText("etl.flow", text), spanOf(text, part, occurrence))]);
}

describe("removing a statement", () => {
  it("takes its line when it has one of its own, keeping the file's line breaks", () => {
    expect(removing("a {\n  retries: 1;\n  timeout: 5s;\n}\n", "retries: 1;")).toBe("a {\n  timeout: 5s;\n}\n");
    expect(removing("a {\r\n  retries: 1;\r\n  timeout: 5s;\r\n}\r\n", "retries: 1;")).toBe(
      "a {\r\n  timeout: 5s;\r\n}\r\n",
    );
  });

  it("takes the blank line after it where the file would begin with one, or have two in a row", () => {
    const imports = 'import { a } from "./m";\n\nb { retries: 1; }\n';
    expect(removing(imports, 'import { a } from "./m";')).toBe("b { retries: 1; }\n");
    const between = 'import { a } from "./m";\n\nbackend inline;\n\nb { retries: 1; }\n';
    expect(removing(between, "backend inline;")).toBe('import { a } from "./m";\n\nb { retries: 1; }\n');
  });

  it("keeps the blank line after it below a line of text, such as a comment", () => {
    const commented = '// The rows.\nimport { a } from "./m";\n\nb { retries: 1; }\n';
    expect(removing(commented, 'import { a } from "./m";')).toBe("// The rows.\n\nb { retries: 1; }\n");
  });

  it("takes the spaces that separate it from its neighbour on a shared line", () => {
    expect(removing("a { retries: 1; retries: 2; }\n", "retries: 2;")).toBe("a { retries: 1; }\n");
    expect(removing("a {\n  retries: 1; // once\n}\n", "retries: 1;")).toBe("a {\n  // once\n}\n");
  });

  it("takes the last line of a file without a final line break", () => {
    expect(removing("a { retries: 1; }\nbackend inline;", "backend inline;")).toBe("a { retries: 1; }\n");
  });
});

describe("removing an item of a list", () => {
  const items = (text: string, names: readonly string[]) => names.map((name) => ({ span: spanOf(text, name) }));

  it("takes the comma after it, or before it for the last", () => {
    const text = "import { aa, bb, cc } from './m';";
    const list = items(text, ["aa", "bb", "cc"]);
    expect(applyEdits(text, [removeListItem(list, 0)])).toBe("import { bb, cc } from './m';");
    expect(applyEdits(text, [removeListItem(list, 1)])).toBe("import { aa, cc } from './m';");
    expect(applyEdits(text, [removeListItem(list, 2)])).toBe("import { aa, bb } from './m';");
  });

  it("leaves a trailing comma as it was", () => {
    const text = "aa, bb, { execution_flow: sequential; }";
    expect(applyEdits(text, [removeListItem(items(text, ["aa", "bb"]), 1)])).toBe(
      "aa, { execution_flow: sequential; }",
    );
  });

  it("leaves any list of names that parses still parsing, with the other names in their order", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
    const layout = fc.constantFrom(", ", ",", ",\n  ", " ,  ");
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { minLength: 2, maxLength: 6 }),
        layout,
        fc.boolean(),
        fc.nat(),
        (names, separator, trailing, pick) => {
          const index = pick % names.length;
          const text = `import { ${names.join(separator)}${trailing ? "," : ""} } from "./m";\n${names.join(", ")} { retries: 1; }\n`;
          const parsed = parse(createSourceText("etl.flow", text));
          fc.pre(parsed.diagnostics.length === 0);
          const specifiers = parsed.document.imports[0]!.specifiers;
          const fixed = applyEdits(text, [removeListItem(specifiers, index)]);
          const again = parse(createSourceText("etl.flow", fixed));
          expect(again.diagnostics).toEqual([]);
          expect(again.document.imports[0]!.specifiers.map((s) => s.local.name)).toEqual(
            names.filter((_, i) => i !== index),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("adding a statement", () => {
  it("on a line of its own, indented as its neighbour, when that one has a line of its own", () => {
    const text = "count <\n    execution_flow: parallel;\n>\n";
    const source = createSourceText("etl.flow", text);
    const span = spanOf(text, "execution_flow: parallel;");
    expect(applyEdits(text, [insertStatementAfter(source, span, "min_worker_count: 1;")])).toBe(
      "count <\n    execution_flow: parallel;\n    min_worker_count: 1;\n>\n",
    );
    expect(applyEdits(text, [insertStatementBefore(source, span, "retries: 1;")])).toBe(
      "count <\n    retries: 1;\n    execution_flow: parallel;\n>\n",
    );
  });

  it("on the same line when its neighbour shares one, and with the file's line breaks", () => {
    const text = "count < execution_flow: parallel; >\n";
    const source = createSourceText("etl.flow", text);
    const span = spanOf(text, "execution_flow: parallel;");
    expect(applyEdits(text, [insertStatementAfter(source, span, "min_worker_count: 1;")])).toBe(
      "count < execution_flow: parallel; min_worker_count: 1; >\n",
    );
    expect(applyEdits(text, [insertStatementBefore(source, span, "retries: 1;")])).toBe(
      "count < retries: 1; execution_flow: parallel; >\n",
    );
    const crlf = "count {\r\n  retries: 1;\r\n}\r\n";
    const after = insertStatementAfter(createSourceText("etl.flow", crlf), spanOf(crlf, "retries: 1;"), "timeout: 5s;");
    expect(applyEdits(crlf, [after])).toBe("count {\r\n  retries: 1;\r\n  timeout: 5s;\r\n}\r\n");
  });
});

describe("applying edits", () => {
  it("makes them in the order of the text, whatever their order in the list", () => {
    const edits = [
      { span: { start: 6, end: 9 }, text: "load" },
      { span: { start: 0, end: 0 }, text: "// x\n" },
    ];
    expect(applyEdits("a, b, lod { }", edits)).toBe("// x\na, b, load { }");
  });

  it("refuses edits that overlap or leave the text", () => {
    const overlapping = [
      { span: { start: 0, end: 4 }, text: "" },
      { span: { start: 2, end: 6 }, text: "" },
    ];
    expect(() => applyEdits("abcdefgh", overlapping)).toThrow(RangeError);
    expect(() => applyEdits("abc", [{ span: { start: 2, end: 9 }, text: "" }])).toThrow(RangeError);
  });
});
