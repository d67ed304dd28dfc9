import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { FlowDocument, Span } from "../../grammar/ast.js";
import { parse } from "../../grammar/index.js";
import { createSourceText } from "../../grammar/source.js";
import { formatSource } from "../../src/format/format.js";
import { formatDocument, formatRange } from "../../src/language/formatting.js";
import { applyEdits } from "../../grammar/diagnostics/fixes.js";
import type { TextEdit } from "../../src/language/types.js";
import { flowc } from "../cli/helpers.js";
import { untypedState } from "./language-project.js";
import { validManifest } from "../grammar/manifest-arbitrary.js";

const messy = [
  "// Orders, then the report.",
  'import {extract,load} from "./etl.methods"   // the usual',
  "backend threads",
  ";",
  "extract,load{execution_flow:sequential;retries:2;}",
  "",
  "",
  "",
  "load < execution_flow: parallel; min_worker_count: 2; >",
  "report { timeout: 30s; } audit { retries: 1; }",
  "",
].join("\n");

describe("formatDocument", () => {
  it("replaces the whole text with what flowc fmt writes", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "flowc-fmt-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const texts = [messy, "{ a,b{retries:1;} }", "a{}\r\nb<retries:1;>\r\n// bye"];
    const files = texts.map((text, index) => {
      const file = path.join(dir, `m${index}.flow`);
      writeFileSync(file, text);
      return file;
    });
    const result = flowc(["fmt", ...files]);
    expect(result.status, result.stderr).toBe(0);
    for (const [index, text] of texts.entries()) {
      const edits = formatDocument(await untypedState(text, files[index]));
      expect(edits).toEqual([{ span: { start: 0, end: text.length }, text: readFileSync(files[index]!, "utf8") }]);
    }
  });

  it("makes no edit when the text is laid out already, or does not parse", async () => {
    const formatted = formatSource(createSourceText("etl.flow", messy)).text!;
    expect(formatDocument(await untypedState(formatted))).toEqual([]);
    expect(formatDocument(await untypedState("extract, load { retries: 1 }\n"))).toEqual([]);
    expect(formatRange(await untypedState("extract,load{retries:1}"), { start: 0, end: 5 })).toEqual([]);
  });
});

describe("formatRange", () => {
  it("lays out the group under the cursor with the comments and blank lines before it, and nothing else", async () => {
    const state = await untypedState(messy);
    const at = messy.indexOf("load <");
    expect(applyEdits(messy, formatRange(state, { start: at, end: at }))).toBe(
      [
        "// Orders, then the report.",
        'import {extract,load} from "./etl.methods"   // the usual',
        "backend threads",
        ";",
        "extract,load{execution_flow:sequential;retries:2;}",
        "",
        "load <",
        "  execution_flow: parallel;",
        "  min_worker_count: 2;",
        ">",
        "report { timeout: 30s; } audit { retries: 1; }",
        "",
      ].join("\n"),
    );
  });

  it("lays out statements that share a line together", async () => {
    const state = await untypedState(messy);
    const at = messy.indexOf("audit");
    const result = applyEdits(messy, formatRange(state, { start: at, end: at + 3 }));
    expect(result.endsWith("\nreport {\n  timeout: 30s;\n}\naudit {\n  retries: 1;\n}\n")).toBe(true);
    expect(result.startsWith(messy.slice(0, messy.indexOf("report")))).toBe(true);
  });

  it("lays out the header as one when the backend statement stands among the imports", async () => {
    const text = 'import { a } from "./m"; backend inline;\nimport {b} from "./n";\na,b{retries:1;}\n';
    const state = await untypedState(text);
    const result = applyEdits(text, formatRange(state, { start: 0, end: 1 }));
    expect(result).toBe('import { a } from "./m";\nimport { b } from "./n";\n\nbackend inline;\na,b{retries:1;}\n');
  });

  it("indents a group inside the outer braces, and keeps statements a comment joins together", async () => {
    const braced = "{\na,b{retries:1;}\n  c { retries: 2; }\n}\n";
    const inner = await untypedState(braced);
    const at = braced.indexOf("a,b");
    expect(applyEdits(braced, formatRange(inner, { start: at, end: at }))).toBe(
      "{\n  a, b {\n    retries: 1;\n  }\n  c { retries: 2; }\n}\n",
    );
    const joined = "a{} /* spans\nlines */ b{}\nc{}\n";
    const state = await untypedState(joined);
    const atC = joined.indexOf("c{");
    expect(applyEdits(joined, formatRange(state, { start: atC, end: atC }))).toBe("a{} /* spans\nlines */ b{}\nc {}\n");
    expect(applyEdits(joined, formatRange(state, { start: 0, end: 0 }))).toBe("a {} /* spans\nlines */\nb {}\nc{}\n");
  });

  it("equals formatting the whole document when the range covers it", async () => {
    const state = await untypedState(messy);
    const whole = formatRange(state, { start: 0, end: messy.length });
    expect(applyEdits(messy, whole)).toBe(formatSource(state.source).text);
  });

  it("lays out exactly the statements a range touches, whatever the layout", async () => {
    await fc.assert(
      fc.asyncProperty(validManifest, fc.nat(), fc.nat(), fc.boolean(), async (text, a, b, cursor) => {
        const full = formatSource(createSourceText("/project/etl.flow", text)).text;
        fc.pre(full !== undefined);
        // No editor position falls between the two characters of a `\r\n`.
        const position = (n: number) => {
          const offset = n % (text.length + 1);
          return text[offset - 1] === "\r" && text[offset] === "\n" ? offset - 1 : offset;
        };
        const start = position(Math.min(a, b));
        const span = { start, end: cursor ? start : Math.max(start, position(Math.max(a, b))) };
        const state = await untypedState(text);
        const edits = formatRange(state, span);
        expectDisjoint(edits);
        const result = applyEdits(text, edits);
        // Formatting what the edits made gives the same layout: nothing lost, moved or doubled.
        expect(formatSource(createSourceText("/project/etl.flow", result)).text).toBe(full);
        const before = parse(state.source).document;
        const after = parse(createSourceText("/project/etl.flow", result)).document;
        const laidOut = parse(createSourceText("/project/etl.flow", full!)).document;
        const statements = statementsOf(before);
        const near = nearStatements(before, span, text);
        for (const [index, statement] of statements.entries()) {
          const now = textOf(result, statementsOf(after)[index]!);
          const overlapped = span.start === span.end ? inside(span.start, statement) : overlaps(span, statement);
          if (overlapped) expect(now).toBe(textOf(full!, statementsOf(laidOut)[index]!));
          if (near.has(index)) continue;
          expect(now).toBe(textOf(text, statement));
          for (const edit of edits) expect(overlaps(edit.span, statement)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** The imports, backend statements and groups, each kind in source order. */
function statementsOf(document: FlowDocument): Span[] {
  return [...document.imports, ...document.backends, ...document.groups].map((node) => node.span);
}

/**
 * The statements (by index in `statementsOf`) a range may lay out: those on the lines it
 * spans, the first after it (the range may be in the comments above it) or else the last
 * (it may be in the comments after everything), those sharing a
 * line with any of these, and the whole header when a backend statement stands before an
 * import (the formatter moves it). Every other statement must be left as it is.
 */
function nearStatements(document: FlowDocument, span: Span, text: string): Set<number> {
  const statements = statementsOf(document);
  const lineOf = (offset: number) => text.slice(0, offset).split(/\r\n|\r|\n|\u2028|\u2029/).length;
  const lines = (statement: Span) => [lineOf(statement.start), lineOf(statement.end)] as const;
  const shareLines = (a: readonly [number, number], b: readonly [number, number]) => a[0] <= b[1] && b[0] <= a[1];
  const range = [lineOf(span.start), lineOf(span.end)] as const;
  const near = new Set<number>();
  statements.forEach((statement, index) => {
    if (shareLines(lines(statement), range)) near.add(index);
  });
  const next = statements
    .map((statement, index) => ({ statement, index }))
    .filter(({ statement }) => statement.start >= span.end)
    .sort((x, y) => x.statement.start - y.statement.start)[0];
  // After every statement, the range is among the comments that end the manifest, which go with the last.
  const last = statements.reduce(
    (found, statement, index) => (found === undefined || statement.start > statements[found]!.start ? index : found),
    undefined as number | undefined,
  );
  const nextOrLast = next?.index ?? last;
  if (nextOrLast !== undefined) near.add(nextOrLast);
  const headerCount = document.imports.length + document.backends.length;
  const lastImport = Math.max(-1, ...document.imports.map((node) => node.span.start));
  const mixed = document.backends.some((node) => node.span.start < lastImport);
  for (let grown = true; grown;) {
    grown = false;
    for (const [index, statement] of statements.entries()) {
      if (near.has(index)) continue;
      const shares = [...near].some((other) => shareLines(lines(statement), lines(statements[other]!)));
      const header = mixed && index < headerCount && [...near].some((other) => other < headerCount);
      if (shares || header) {
        near.add(index);
        grown = true;
      }
    }
  }
  return near;
}

function inside(offset: number, span: Span): boolean {
  return span.start <= offset && offset < span.end;
}

function textOf(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

function expectDisjoint(edits: readonly TextEdit[]): void {
  const sorted = [...edits].sort((x, y) => x.span.start - y.span.start);
  for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.span.start).toBeGreaterThanOrEqual(sorted[i - 1]!.span.end);
}
