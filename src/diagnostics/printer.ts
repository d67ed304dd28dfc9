import { codeFrameColumns } from "@babel/code-frame";
import pc from "picocolors";
import { positionAt, type SourceText } from "../../grammar/source.js";
import type { Diagnostic } from "./diagnostic.js";

/** The `--format json` shape of one diagnostic (1-based lines and columns, end exclusive). */
export interface JsonDiagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: "error" | "warning";
  readonly code: string;
  readonly message: string;
}

/** Looks up the text of a file named in a diagnostic. */
export type SourceLookup = (file: string) => SourceText | undefined;

export function toJsonDiagnostic(diagnostic: Diagnostic, sources: SourceLookup): JsonDiagnostic {
  const source = sources(diagnostic.file);
  const start = source ? positionAt(source, diagnostic.span.start) : { line: 1, column: 1 };
  const end = source ? positionAt(source, diagnostic.span.end) : start;
  return {
    file: diagnostic.file,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    severity: diagnostic.severity,
    code: codeOf(diagnostic),
    message: diagnostic.message,
  };
}

export function codeOf(diagnostic: Pick<Diagnostic, "code">): string {
  return `FLOW${diagnostic.code}`;
}

export interface TextFormatOptions {
  /** Colour the output (defaults to what picocolors detects for the terminal). */
  readonly color?: boolean;
}

/**
 * Prints one diagnostic the way compilers do:
 *
 *     etl.flow:3:14 - error FLOW2003: Module './etl.methods' has no exported member 'lod'. Did you mean 'load'?
 *
 *       2 | {
 *     > 3 |   extract, lod { execution_flow: sequential; }
 *         |            ^^^
 *
 * followed by one line per related location.
 */
export function formatDiagnosticText(
  diagnostic: Diagnostic,
  sources: SourceLookup,
  options: TextFormatOptions = {},
): string {
  const colors = pc.createColors(options.color ?? pc.isColorSupported);
  const source = sources(diagnostic.file);
  const json = toJsonDiagnostic(diagnostic, sources);
  const severity = diagnostic.severity === "error" ? colors.red("error") : colors.yellow("warning");
  const lines = [
    `${colors.cyan(json.file)}:${colors.yellow(String(json.line))}:${colors.yellow(String(json.column))} - ${severity} ${colors.gray(json.code)}: ${json.message}`,
  ];
  if (source) {
    // An empty span still deserves a caret: widen it to one column.
    const sameSpot = json.endLine === json.line && json.endColumn <= json.column;
    const frame = codeFrameColumns(
      source.text,
      {
        start: { line: json.line, column: json.column },
        end: sameSpot ? { line: json.line, column: json.column + 1 } : { line: json.endLine, column: json.endColumn },
      },
      { highlightCode: false, forceColor: false, linesAbove: 1, linesBelow: 1 },
    );
    lines.push("", indent(frame), "");
  }
  for (const related of diagnostic.related) {
    const relatedSource = sources(related.file);
    const at = relatedSource ? positionAt(relatedSource, related.span.start) : { line: 1, column: 1 };
    lines.push(`    ${colors.cyan(related.file)}:${at.line}:${at.column}: ${related.message}`);
  }
  return lines.join("\n");
}

/** Prints all diagnostics followed by a one-line summary (`2 errors, 1 warning`). */
export function formatDiagnosticsText(
  diagnostics: readonly Diagnostic[],
  sources: SourceLookup,
  options: TextFormatOptions = {},
): string {
  if (diagnostics.length === 0) return "";
  const body = diagnostics.map((d) => formatDiagnosticText(d, sources, options)).join("\n");
  return `${body}\n${summarize(diagnostics)}\n`;
}

export function summarize(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `Found ${plural(errors, "error")} and ${plural(warnings, "warning")}.`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line.length > 0 ? `  ${line}` : line))
    .join("\n");
}
