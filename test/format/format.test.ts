import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSourceText, parse } from "../../grammar/index.js";
import { formatDocument, formatSource } from "../../src/format/format.js";
import { expectMatchesFile, fixtureCases } from "../grammar/baseline.js";

const formatRoot = join(import.meta.dirname, "../fixtures/format");
const grammarRoot = join(import.meta.dirname, "../fixtures/grammar");

function format(text: string): string {
  const result = formatSource(createSourceText("input.flow", text));
  if (result.text === undefined)
    throw new Error(`syntax errors: ${result.diagnostics.map((d) => d.message).join(" ")}`);
  return result.text;
}

function commentTexts(text: string): string[] {
  return parse(createSourceText("input.flow", text))
    .document.comments.map((c) => c.text)
    .sort();
}

describe("format fixtures (UPDATE_FIXTURES=1 rewrites expected.flow)", () => {
  for (const fixture of fixtureCases(formatRoot)) {
    describe(fixture.name, () => {
      it("matches the expected layout", () => {
        expectMatchesFile(format(fixture.input), join(fixture.dir, "expected.flow"));
      });
      it("is idempotent", () => {
        const once = format(fixture.input);
        expect(format(once)).toBe(once);
      });
      it("keeps every comment", () => {
        expect(commentTexts(format(fixture.input))).toEqual(commentTexts(fixture.input));
      });
    });
  }
});

describe("formatting the grammar fixtures that parse cleanly", () => {
  const clean = fixtureCases(grammarRoot).filter(
    (fixture) => parse(createSourceText("input.flow", fixture.input)).diagnostics.length === 0,
  );

  it("covers several fixtures", () => {
    expect(clean.length).toBeGreaterThanOrEqual(5);
  });

  for (const fixture of clean) {
    it(`${fixture.name} is idempotent and keeps its comments`, () => {
      const once = format(fixture.input);
      expect(format(once)).toBe(once);
      expect(commentTexts(once)).toEqual(commentTexts(fixture.input));
    });
  }
});

describe("layout rules", () => {
  it("puts imports first, one per line, then a blank line", () => {
    expect(format('import {a,b as c,} from "./x.methods"\na { retries: 1; }')).toBe(
      'import { a, b as c } from "./x.methods";\n\na {\n  retries: 1;\n}\n',
    );
  });

  it("puts the backend statement after the imports, between blank lines, with its comments", () => {
    expect(format('backend  bullmq ; // JSON\nimport {a} from "./a"\na {}')).toBe(
      'import { a } from "./a";\n\nbackend bullmq; // JSON\n\na {}\n',
    );
    expect(format("backend threads;{ backend {} }")).toBe("backend threads;\n\n{\n  backend {}\n}\n");
    expect(format("// only\nbackend inline;")).toBe("// only\nbackend inline;\n");
    expect(format('backend "bullmq";\na {}')).toBe('backend "bullmq";\n\na {}\n');
  });

  it("keeps the outer braces and indents the groups inside them", () => {
    expect(format("{ a < min_worker_count: 2; > }")).toBe("{\n  a <\n    min_worker_count: 2;\n  >\n}\n");
  });

  it("prints strings with double quotes and the decoded value", () => {
    expect(format("a { label: 'say \"hi\"\\n'; }")).toBe('a {\n  label: "say \\"hi\\"\\n";\n}\n');
  });

  it("collapses runs of blank lines between groups to one and adds none where there was none", () => {
    expect(format("a {}\n\n\n\nb {}\nc {}")).toBe("a {}\n\nb {}\nc {}\n");
    // An empty block written over two lines ends on the second: no blank line after it is made up.
    expect(format("a {\n}\n// c\nb {}")).toBe("a {}\n// c\nb {}\n");
    expect(format("a {\n}\n\n// c\nb {}")).toBe("a {}\n\n// c\nb {}\n");
  });

  it("keeps a trailing comment on its line and a leading one above its node", () => {
    expect(format("a { retries: 1; // one\n// two\ntimeout: 2s; }")).toBe(
      "a {\n  retries: 1; // one\n  // two\n  timeout: 2s;\n}\n",
    );
  });

  it("moves a line comment out of a group header, above it", () => {
    expect(format("a, // first\nb { retries: 1; }")).toBe("// first\na, b {\n  retries: 1;\n}\n");
  });

  it("prints an empty document as nothing", () => {
    expect(format("  \n\n")).toBe("");
  });

  it("refuses a manifest with syntax errors and returns its diagnostics", () => {
    const result = formatSource(createSourceText("bad.flow", "a { retries: 1 }"));
    expect(result.text).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([[1001, "Expected ';' but found '}'."]]);
  });

  it("does not depend on the path of the source", () => {
    const text = "a { retries: 1; }";
    const document = parse(createSourceText("one.flow", text)).document;
    expect(formatDocument(document, createSourceText("two.flow", text))).toBe("a {\n  retries: 1;\n}\n");
  });
});
