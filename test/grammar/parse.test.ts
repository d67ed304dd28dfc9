import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createSourceText, parse, positionAt, type FlowDocument, type Span } from "../../grammar/index.js";

function parseText(text: string, path = "test.flow") {
  const source = createSourceText(path, text);
  return { source, ...parse(source) };
}

function at(source: ReturnType<typeof createSourceText>, span: Span): string {
  const { line, column } = positionAt(source, span.start);
  return `${line}:${column}`;
}

/** Each diagnostic of `text` as `file:line:column FLOWnnnn message`. */
function diagnose(text: string): string[] {
  const { source, diagnostics } = parseText(text, "bad.flow");
  return diagnostics.map((d) => `${d.file}:${at(source, d.span)} FLOW${d.code} ${d.message}`);
}

/** Groups as `names => key=value …`, the shape the examples below are checked against. */
function summary(document: FlowDocument): string[] {
  return document.groups.map(
    (g) =>
      `${g.methods.map((m) => m.name).join(",")} ${g.block.delimiter} ${g.block.properties
        .map(
          (p) =>
            `${p.key.name}=${p.value.kind === "Identifier" ? p.value.name : p.value.kind === "NumberLiteral" ? p.value.raw : JSON.stringify(p.value.value)}`,
        )
        .join(" ")}`,
  );
}

/**
 * The four manifests of the language's original description (sequential,
 * parallel, sequential + parallel, concurrent), with `num` as an integer; the
 * checker's `ok-seed-*` fixtures hold them.
 */
function seedExamples(): string[] {
  return ["ok-seed-sequential", "ok-seed-parallel", "ok-seed-sequential-parallel", "ok-seed-concurrent"].map((name) =>
    readFileSync(new URL(`../fixtures/check/${name}/input.flow`, import.meta.url), "utf8"),
  );
}

describe("seed examples", () => {
  const examples = seedExamples();

  it("finds the four examples of the description", () => {
    expect(examples).toHaveLength(4);
  });

  const expected = [
    ["method_1,method_2,method_3 brace execution_flow=sequential"],
    ["method_1 brace execution_flow=parallel min_worker_count=4"],
    [
      "method_1,method_2,method_3 brace execution_flow=sequential",
      "method_2 brace execution_flow=parallel min_worker_count=3",
    ],
    [
      "method_1,method_2,method_3,method_4 brace execution_flow=sequential",
      "method_2,method_3 brace execution_flow=concurrent",
    ],
  ];
  for (const [index, groups] of expected.entries()) {
    it(`example ${index + 1} parses without diagnostics into its groups`, () => {
      const { document, diagnostics } = parseText(examples[index]!);
      expect(diagnostics).toEqual([]);
      expect(document.outerBraces).toBe(true);
      expect(summary(document)).toEqual(groups);
    });
  }

  it("keeps the comments of the examples", () => {
    const { document } = parseText(examples[0]!);
    expect(document.comments.map((c) => [c.style, c.text])).toEqual([
      ["line", "// data I/O flow is defined in each method"],
    ]);
  });
});

describe("spans", () => {
  const text = [
    'import { extract as pull } from "./etl.methods";',
    "{",
    "  pull, load {",
    "    execution_flow: sequential;",
    "  }",
    "  load < retries: 3; > // three",
    "}",
  ].join("\n");
  const { source, document, diagnostics } = parseText(text);

  it("parses cleanly", () => {
    expect(diagnostics).toEqual([]);
  });

  it("map identifiers, literals and blocks to their line and column", () => {
    const [imp] = document.imports;
    expect(at(source, imp!.span)).toBe("1:1");
    expect(text.slice(imp!.span.start, imp!.span.end)).toBe('import { extract as pull } from "./etl.methods";');
    expect(at(source, imp!.specifiers[0]!.imported.span)).toBe("1:10");
    expect(at(source, imp!.specifiers[0]!.local.span)).toBe("1:21");
    expect(at(source, imp!.source.span)).toBe("1:33");

    const [first, second] = document.groups;
    expect(first!.methods.map((m) => at(source, m.span))).toEqual(["3:3", "3:9"]);
    expect(at(source, first!.block.span)).toBe("3:14");
    expect(positionAt(source, first!.block.span.end - 1)).toEqual({ line: 5, column: 3 });
    const property = first!.block.properties[0]!;
    expect(text.slice(property.span.start, property.span.end)).toBe("execution_flow: sequential;");
    expect(at(source, property.key.span)).toBe("4:5");
    expect(at(source, property.value.span)).toBe("4:21");

    expect(text.slice(second!.span.start, second!.span.end)).toBe("load < retries: 3; >");
    expect(at(source, document.comments[0]!.span)).toBe("6:24");
  });

  it("covers the whole text with the document", () => {
    expect(document.span).toEqual({ start: 0, end: text.length });
  });
});

describe("blocks, imports and outer braces", () => {
  it("distinguishes { } and < > blocks", () => {
    const { document, diagnostics } = parseText("a { retries: 1; }\nb < min_worker_count: 2; >");
    expect(diagnostics).toEqual([]);
    expect(document.groups.map((g) => g.block.delimiter)).toEqual(["brace", "angle"]);
  });

  it("reads `as` in imports; without it, local is imported", () => {
    const { document, diagnostics } = parseText(
      "import { a, b as c, } from \"./x.methods\"\nimport { d } from './y.methods';\na, c, d { execution_flow: sequential; }",
    );
    expect(diagnostics).toEqual([]);
    const specifiers = document.imports.flatMap((i) => i.specifiers.map((s) => [s.imported.name, s.local.name]));
    expect(specifiers).toEqual([
      ["a", "a"],
      ["b", "c"],
      ["d", "d"],
    ]);
    expect(document.imports.map((i) => i.source.value)).toEqual(["./x.methods", "./y.methods"]);
    const plain = document.imports[0]!.specifiers[0]!;
    expect(plain.local).toBe(plain.imported);
  });

  it("makes the outer braces optional", () => {
    const body = "a, b { execution_flow: sequential; }\nb < execution_flow: parallel; min_worker_count: 2; >";
    const braced = parseText(`{\n${body}\n}`);
    const bare = parseText(body);
    expect(braced.diagnostics).toEqual([]);
    expect(bare.diagnostics).toEqual([]);
    expect(braced.document.outerBraces).toBe(true);
    expect(bare.document.outerBraces).toBe(false);
    expect(summary(braced.document)).toEqual(summary(bare.document));
  });

  it("accepts a trailing comma in a group header", () => {
    const { document, diagnostics } = parseText("a, b, { retries: 0; }");
    expect(diagnostics).toEqual([]);
    expect(document.groups[0]!.methods.map((m) => m.name)).toEqual(["a", "b"]);
  });
});

describe("contextual keywords", () => {
  it("treats `importer`, `fromage` and `ask` as names", () => {
    const { document, diagnostics } = parseText("importer, fromage, ask { execution_flow: sequential; }");
    expect(diagnostics).toEqual([]);
    expect(document.groups[0]!.methods.map((m) => m.name)).toEqual(["importer", "fromage", "ask"]);
  });

  it("accepts `from` and `as` as method names and property values", () => {
    const { document, diagnostics } = parseText('import { from, as as x } from "./k.methods";\nfrom, x { as: from; }');
    expect(diagnostics).toEqual([]);
    expect(summary(document)).toEqual(["from,x brace as=from"]);
  });

  it("refuses `import` as a method name", () => {
    const { source, diagnostics } = parseText("import, a { retries: 1; }");
    expect(diagnostics.map((d) => [d.code, at(source, d.span), d.message])[0]).toEqual([
      1001,
      "1:7",
      "Expected '{' but found ','.",
    ]);
  });

  it("reads an import placed among the groups but reports it", () => {
    const { source, document, diagnostics } = parseText(
      'a { retries: 1; }\nimport { b } from "./b.methods";\nb { retries: 2; }',
    );
    expect(diagnostics.map((d) => [d.code, at(source, d.span), d.message])).toEqual([
      [1008, "2:1", "Imports must come first, above every group and the outer '{'."],
    ]);
    expect(document.imports.map((i) => i.source.value)).toEqual(["./b.methods"]);
    expect(summary(document)).toEqual(["a brace retries=1", "b brace retries=2"]);
  });
});

describe("the backend statement", () => {
  it("reads `backend <value>;` among the imports, with a span from `backend` to `;`", () => {
    const { source, document, diagnostics } = parseText(
      'import { a } from "./a";\nbackend  bullmq ;\nimport { b } from "./b";\na, b { execution_flow: sequential; }',
    );
    expect(diagnostics).toEqual([]);
    const [backend] = document.backends;
    expect(backend?.kind).toBe("BackendDeclaration");
    expect(backend?.value).toMatchObject({ kind: "Identifier", name: "bullmq" });
    expect(source.text.slice(backend!.span.start, backend!.span.end)).toBe("backend  bullmq ;");
    expect(at(source, backend!.value.span)).toBe("2:10");
    expect(document.imports.map((i) => i.source.value)).toEqual(["./a", "./b"]);
    expect(summary(document)).toEqual(["a,b brace execution_flow=sequential"]);
  });

  it("reads any single value, for the checker to judge", () => {
    const { document, diagnostics } = parseText('backend "threads";\nbackend 4;\na { retries: 1; }');
    expect(diagnostics).toEqual([]);
    expect(document.backends.map((b) => b.value.kind)).toEqual(["StringLiteral", "NumberLiteral"]);
  });

  it("keeps `backend` a name wherever no value and ';' follow it, and `backendX` a name everywhere", () => {
    const { document, diagnostics } = parseText(
      "backend, backendX { execution_flow: sequential; }\nbackend { backend: backend; }\nbackendX < retries: 1; >",
    );
    expect(diagnostics).toEqual([]);
    expect(document.backends).toEqual([]);
    expect(summary(document)).toEqual([
      "backend,backendX brace execution_flow=sequential",
      "backend brace backend=backend",
      "backendX angle retries=1",
    ]);
  });

  it("reports a statement among the groups or inside the outer braces, and still reads it", () => {
    const { source, document, diagnostics } = parseText("{\n  backend bullmq;\n  a { retries: 1; }\n}");
    expect(diagnostics.map((d) => [d.code, at(source, d.span), d.message])).toEqual([
      [1010, "2:3", "The backend must be declared at the top, with the imports, above every group and the outer '{'."],
    ]);
    expect(document.backends).toHaveLength(1);
    const after = parseText("a { retries: 1; }\nbackend threads;\nb { retries: 2; }");
    expect(after.diagnostics.map((d) => [d.code, at(after.source, d.span)])).toEqual([[1010, "2:1"]]);
    expect(summary(after.document)).toEqual(["a brace retries=1", "b brace retries=2"]);
  });
});

describe("recovery", () => {
  it("ends a block that runs into the next group, and reads that group and the errors after it", () => {
    expect(diagnose("a, b { execution_flow: sequential;\nc, d { retries: 1; }\ne { x 1; }\n")).toEqual([
      "bad.flow:2:1 FLOW1009 Expected '}' to close the block opened at 1:6 (found 'c').",
      "bad.flow:3:7 FLOW1001 Expected ':' but found '1'.",
    ]);
    const { document } = parseText("a < retries: 1;\nb c { retries: 2; }");
    expect(summary(document)).toEqual(["a angle retries=1", "b,c brace retries=2"]);
    expect(diagnose("a < retries: 1;\nb { retries: 2; }")).toEqual([
      "bad.flow:2:1 FLOW1009 Expected '>' to close the block opened at 1:3 (found 'b').",
    ]);
  });

  it("still reads a property whose ':' is missing as a property, not as a group", () => {
    expect(diagnose("a { retries 1; timeout: 5s; }")).toEqual(["bad.flow:1:13 FLOW1001 Expected ':' but found '1'."]);
  });

  it("reports a number or a string in place of a method name once", () => {
    expect(diagnose("a, 1b { execution_flow: sequential; }")).toEqual([
      "bad.flow:1:4 FLOW1001 Expected a method name but found '1b'.",
    ]);
    expect(diagnose('import { "x", 2y as z } from "./m";\na { retries: 1; }')).toEqual([
      'bad.flow:1:10 FLOW1001 Expected a method name but found "x".',
      "bad.flow:1:15 FLOW1001 Expected a method name but found '2y'.",
    ]);
    const { document } = parseText("a, 1b, c { execution_flow: sequential; }");
    expect(summary(document)).toEqual(["a,c brace execution_flow=sequential"]);
  });
});

describe("literals", () => {
  it("splits numbers into value and unit", () => {
    const { document } = parseText("a { a: 4; b: 250ms; c: -2.5; d: 30s; e: 1.5h; }");
    const values = document.groups[0]!.block.properties.map((p) => p.value);
    expect(values.map((v) => (v.kind === "NumberLiteral" ? [v.raw, v.value, v.unit] : v.kind))).toEqual([
      ["4", 4, undefined],
      ["250ms", 250, "ms"],
      ["-2.5", -2.5, undefined],
      ["30s", 30, "s"],
      ["1.5h", 1.5, "h"],
    ]);
  });

  it("decodes both quote styles and JavaScript escapes", () => {
    const { document, diagnostics } = parseText(String.raw`a { a: "x\"y\n\u0041\u{1F600}\x41"; b: 'it\'s'; c: "multi\
line"; }`);
    expect(diagnostics).toEqual([]);
    const values = document.groups[0]!.block.properties.map((p) =>
      p.value.kind === "StringLiteral" ? p.value.value : "",
    );
    expect(values).toEqual(['x"y\nA\u{1F600}A', "it's", "multiline"]);
  });
});

describe("syntax diagnostics", () => {
  it("reports a missing final ';' precisely and keeps the property", () => {
    const { document, diagnostics, source } = parseText("a {\n  retries: 3\n}", "bad.flow");
    expect(diagnostics.map((d) => `${at(source, d.span)} ${d.message}`)).toEqual(["3:1 Expected ';' but found '}'."]);
    expect(summary(document)).toEqual(["a brace retries=3"]);
  });

  it("names the expected token by its role", () => {
    expect(diagnose("a { 42; }")).toEqual(["bad.flow:1:5 FLOW1001 Expected a property name or '}' but found '42'."]);
    expect(diagnose("a < x: ; >")).toEqual(["bad.flow:1:8 FLOW1001 Expected a value but found ';'."]);
    expect(diagnose(", a {}")).toEqual(["bad.flow:1:1 FLOW1001 Expected a method name but found ','."]);
    expect(diagnose('import { } from "./x";')).toEqual([
      "bad.flow:1:10 FLOW1001 Expected a method name but found '}'.",
    ]);
  });

  it("reports unexpected characters one by one", () => {
    expect(diagnose("a {} %\u0007")).toEqual([
      "bad.flow:1:6 FLOW1002 Unexpected character '%'.",
      "bad.flow:1:7 FLOW1002 Unexpected character U+0007.",
    ]);
  });

  it("reports an unterminated block comment at its opening without a cascade", () => {
    expect(diagnose("{ a { retries: 1; }\n/* open")).toEqual([
      "bad.flow:2:1 FLOW1003 Unterminated block comment: add '*/'.",
    ]);
  });

  it("reports an unterminated string and not the ';' it swallowed", () => {
    expect(diagnose('a { label: "x; }\n')).toEqual(["bad.flow:1:12 FLOW1004 Unterminated string literal."]);
  });

  it("reports a block closed by the other kind", () => {
    expect(diagnose("a { retries: 1; >")).toEqual([
      "bad.flow:1:17 FLOW1005 A block opened with '{' must be closed with '}', not '>'.",
    ]);
  });

  it("reports the end of the file with what was expected", () => {
    expect(diagnose("a, b")).toEqual(["bad.flow:1:5 FLOW1006 Unexpected end of file: expected '{' or '<'."]);
    expect(diagnose("{ a { retries: 1; }")).toEqual([
      "bad.flow:1:20 FLOW1006 Unexpected end of file: expected a method name or '}'.",
    ]);
  });

  it("reports invalid escapes inside the string", () => {
    expect(diagnose('a { label: "\\x4"; }')).toEqual([
      "bad.flow:1:13 FLOW1007 Invalid escape sequence '\\x' in string literal.",
    ]);
  });

  it("reports every error of a file in one pass, in order", () => {
    const messages = diagnose("a b { x: 1 }\nc { y 2; }\nd < z: 3; }\n");
    expect(messages).toEqual([
      "bad.flow:1:3 FLOW1001 Expected ',' but found 'b'.",
      "bad.flow:1:12 FLOW1001 Expected ';' but found '}'.",
      "bad.flow:2:7 FLOW1001 Expected ':' but found '2'.",
      "bad.flow:3:11 FLOW1005 A block opened with '<' must be closed with '>', not '}'.",
    ]);
  });

  it("keeps no state from one parse to the next", () => {
    parseText("{ a { x: 1 ");
    expect(diagnose("a {} }")).toEqual(["bad.flow:1:6 FLOW1001 Expected a method name but found '}'."]);
    expect(diagnose("a { retries: 1; }")).toEqual([]);
  });
});
