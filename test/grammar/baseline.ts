/**
 * Renders parse results as readable golden baselines: the diagnostics as
 * `file(line,col): error FLOWxxxx: message`, then the source with `~` under
 * each diagnostic's span, then an outline of the tree the parser recovered.
 */
import { readdirSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { FlowDocument, Value } from "../../grammar/ast.js";
import type { ParseOptions } from "../../grammar/index.js";
import { positionAt, type SourceText } from "../../grammar/source.js";
import type { Diagnostic } from "../../grammar/diagnostics/diagnostic.js";

export function renderBaseline(source: SourceText, document: FlowDocument, diagnostics: readonly Diagnostic[]): string {
  const out: string[] = [];
  for (const d of diagnostics) {
    const { line, column } = positionAt(source, d.span.start);
    out.push(`${source.path}(${line},${column}): ${d.severity} FLOW${d.code}: ${d.message}`);
  }
  if (diagnostics.length > 0) out.push("");
  out.push(`==== ${source.path} (${diagnostics.length} ${diagnostics.length === 1 ? "error" : "errors"}) ====`);
  const lines = source.text.split(/\r\n|\r|\n/);
  for (const [index, text] of lines.entries()) {
    const lineNumber = index + 1;
    const lineStart = source.lineStarts[index] ?? source.text.length;
    const lineEnd = lineStart + text.length;
    out.push(`    ${text}`);
    for (const d of diagnostics) {
      const startLine = positionAt(source, d.span.start).line;
      const endLine = positionAt(source, Math.max(d.span.start, d.span.end - 1)).line;
      if (lineNumber < startLine || lineNumber > endLine) continue;
      const from = Math.max(d.span.start, lineStart);
      const to = Math.min(d.span.end, lineEnd);
      out.push(`    ${" ".repeat(from - lineStart)}${"~".repeat(Math.max(1, to - from))}`);
      if (lineNumber === startLine) out.push(`!!! FLOW${d.code}: ${d.message}`);
    }
  }
  out.push("", "==== tree ====", ...outline(document));
  return `${out.join("\n")}\n`;
}

/** One line per import and group, with properties, so recovery results are visible at a glance. */
export function outline(document: FlowDocument): string[] {
  const out: string[] = [];
  for (const imp of document.imports) {
    const names = imp.specifiers.map((s) =>
      s.local === s.imported ? s.imported.name : `${s.imported.name} as ${s.local.name}`,
    );
    out.push(`import ${names.join(", ")} from ${JSON.stringify(imp.source.value)}`);
  }
  for (const backend of document.backends) out.push(`backend ${describeValue(backend.value)}`);
  out.push(`outer braces: ${document.outerBraces ? "yes" : "no"}`);
  for (const group of document.groups) {
    const [open, close] = group.block.delimiter === "brace" ? ["{", "}"] : ["<", ">"];
    const props = group.block.properties.map((p) => `${p.key.name}: ${describeValue(p.value)}`).join("; ");
    out.push(`group ${group.methods.map((m) => m.name).join(", ")} ${open}${props === "" ? "" : ` ${props} `}${close}`);
  }
  for (const comment of document.comments) out.push(`comment ${JSON.stringify(comment.text)}`);
  return out;
}

function describeValue(value: Value): string {
  switch (value.kind) {
    case "Identifier":
      return value.name;
    case "NumberLiteral":
      return `number ${value.value}${value.unit === undefined ? "" : ` unit ${value.unit}`}`;
    case "StringLiteral":
      return `string ${JSON.stringify(value.value)}`;
  }
}

export interface FixtureCase {
  readonly name: string;
  readonly dir: string;
  readonly input: string;
  /** The case's `options.json`: parse options (`{ "limit": 3 }` shows the limit of diagnostics on a small file). */
  readonly options: ParseOptions;
}

export function fixtureCases(root: string): FixtureCase[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const dir = join(root, name);
      const options = join(dir, "options.json");
      return {
        name,
        dir,
        input: readFileSync(join(dir, "input.flow"), "utf8"),
        options: existsSync(options) ? (JSON.parse(readFileSync(options, "utf8")) as ParseOptions) : {},
      };
    });
}

/** Compares with the expectation file, or rewrites it when `UPDATE_FIXTURES=1`. */
export function expectMatchesFile(actual: string, file: string): void {
  if (process.env.UPDATE_FIXTURES === "1" || !existsSync(file)) {
    if (process.env.UPDATE_FIXTURES !== "1")
      throw new Error(`missing ${file}; run with UPDATE_FIXTURES=1 to create it`);
    writeFileSync(file, actual);
    return;
  }
  expect(actual).toBe(readFileSync(file, "utf8"));
}
