import type { BabelCodeFrameOptions } from "@babel/code-frame";
import { createRequire } from "node:module";
import pc from "picocolors";
import { positionAt, type Position, type SourceText } from "../../grammar/source.js";
import type { Diagnostic } from "../../grammar/diagnostics/diagnostic.js";

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
  /** The ways to fix it, when the compiler knows them; absent otherwise. */
  readonly fixes?: readonly JsonFix[];
}

/** One fix of a diagnostic: edits of the diagnostic's file, all to be made together. */
export interface JsonFix {
  readonly title: string;
  /** Whether it is almost certainly what was meant. */
  readonly preferred: boolean;
  readonly edits: readonly JsonEdit[];
}

/** Replaces the text from `line`:`column` to `endLine`:`endColumn` (1-based, end exclusive) with `text`. */
export interface JsonEdit {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly text: string;
}

/** Looks up the text of a file named in a diagnostic. */
export type SourceLookup = (file: string) => SourceText | undefined;

export function toJsonDiagnostic(diagnostic: Diagnostic, sources: SourceLookup): JsonDiagnostic {
  const source = sources(diagnostic.file);
  const start = source ? positionAt(source, diagnostic.span.start) : { line: 1, column: 1 };
  const end = source ? positionAt(source, diagnostic.span.end) : start;
  const json: JsonDiagnostic = {
    file: diagnostic.file,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    severity: diagnostic.severity,
    code: codeOf(diagnostic),
    message: diagnostic.message,
  };
  // Edits need the file's text to be placed; without it there is nothing to offer.
  if (diagnostic.fixes === undefined || diagnostic.fixes.length === 0 || source === undefined) return json;
  const fixes = diagnostic.fixes.map((fix) => ({
    title: fix.title,
    preferred: fix.preferred === true,
    edits: fix.edits.map((edit) => {
      const from = positionAt(source, edit.span.start);
      const to = positionAt(source, edit.span.end);
      return { line: from.line, column: from.column, endLine: to.line, endColumn: to.column, text: edit.text };
    }),
  }));
  return { ...json, fixes };
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
    const start = { line: json.line, column: json.column };
    const end = sameSpot
      ? { line: json.line, column: json.column + 1 }
      : { line: json.endLine, column: json.endColumn };
    lines.push("", indent(codeFrame(source, start, end)), "");
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

/** The most characters of a line a code frame shows; a longer line is cut to a window around the span. */
export const frameWidth = 120;
/** How many characters before the span the window shows, when the line is cut. */
const frameLead = 40;
/** The most lines of a span a code frame marks; a longer span is marked that far, and its end named. */
export const frameSpanLines = 3;

/**
 * The lines around `start`–`end` (1-based, `end` exclusive) with the span marked. Only
 * those lines are handed to the frame printer, each cut to the same window of at most
 * `frameWidth` characters around the span (with `…` where cut), so that a frame costs
 * the same on a 150 KB line as on a short one; and only the first `frameSpanLines` lines
 * of a span, followed by a line that says where it ends, so that a string continued over
 * thousands of lines costs no more either.
 */
export function codeFrame(source: SourceText, start: Position, spanEnd: Position): string {
  const lastMarked = start.line + frameSpanLines - 1;
  const long = spanEnd.line > lastMarked;
  // The frame printer marks as many columns of a span's last line as its end column says: the whole line, here.
  const end = long ? { line: lastMarked, column: Math.max(1, lineText(source, lastMarked).length) } : spanEnd;
  const frame = framedLines(source, start, end, !long);
  if (!long) return frame;
  const more = spanEnd.line - lastMarked;
  return `${frame}\n  … and ${more} more ${more === 1 ? "line" : "lines"}, to ${spanEnd.line}:${spanEnd.column}`;
}

/** The frame of `codeFrame` for a span of at most `frameSpanLines` lines; `below` shows the line after it. */
function framedLines(source: SourceText, start: Position, end: Position, below: boolean): string {
  const first = Math.max(1, start.line - 1);
  const last = Math.min(source.lineStarts.length, below ? end.line + 1 : end.line);
  const texts: string[] = [];
  for (let line = first; line <= last; line++) texts.push(lineText(source, line));

  const startText = texts[start.line - first] ?? "";
  const spanStart = start.column - 1;
  const spanEnd = end.line === start.line ? end.column - 1 : startText.length;
  const window = texts.some((text) => text.length > frameWidth)
    ? windowAround(spanStart, spanEnd, startText.length)
    : undefined;

  const shown = texts.map((text) => (window === undefined ? text : cut(text, window)));
  const column = (text: string, at: number): number => {
    if (window === undefined) return at;
    const lead = window.from > 0 && text.length > 0 ? 1 : 0;
    return Math.max(1, Math.min(at - window.from + lead, cut(text, window).length + 1));
  };
  // `startLine` numbers the excerpt as the lines of the file; @types/babel__code-frame lacks it.
  const options: BabelCodeFrameOptions & { readonly startLine: number } = {
    highlightCode: false,
    forceColor: false,
    linesAbove: 1,
    linesBelow: below ? 1 : 0,
    startLine: first,
  };
  return codeFrames().codeFrameColumns(
    shown.join("\n"),
    {
      start: { line: start.line, column: column(startText, start.column) },
      end: { line: end.line, column: column(texts[end.line - first] ?? "", end.column) },
    },
    options,
  );
}

interface Window {
  readonly from: number;
  readonly to: number;
}

/** `frameWidth` columns that show the span's start, some text before it, and as much of the span as fits. */
function windowAround(spanStart: number, spanEnd: number, lineLength: number): Window {
  let from = Math.max(0, spanStart - frameLead);
  if (spanEnd > from + frameWidth) from = Math.max(0, Math.min(spanStart, spanEnd - frameWidth));
  // Near the end of the line, show a full window rather than a short tail.
  from = Math.max(0, Math.min(from, lineLength - frameWidth));
  return { from, to: from + frameWidth };
}

function cut(text: string, window: Window): string {
  const from = Math.min(window.from, text.length);
  const body = text.slice(from, window.to);
  return `${window.from > 0 && text.length > 0 ? "…" : ""}${body}${text.length > window.to ? "…" : ""}`;
}

/**
 * Line `line` (1-based) without its line end. The frame printer would also break lines at
 * U+2028 and U+2029, which the language does not count as line ends: they are shown as spaces.
 */
function lineText(source: SourceText, line: number): string {
  const start = source.lineStarts[line - 1] ?? source.text.length;
  const next = source.lineStarts[line] ?? source.text.length;
  return source.text
    .slice(start, next)
    .replace(/(?:\r\n|\r|\n)$/, "")
    .replace(/[\u2028\u2029]/g, " ");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line.length > 0 ? `  ${line}` : line))
    .join("\n");
}

let loadedCodeFrames: typeof import("@babel/code-frame") | undefined;

/** @babel/code-frame, loaded on the first frame: a command with nothing to report does not wait for it. */
function codeFrames(): typeof import("@babel/code-frame") {
  loadedCodeFrames ??= createRequire(import.meta.url)("@babel/code-frame") as typeof import("@babel/code-frame");
  return loadedCodeFrames;
}
