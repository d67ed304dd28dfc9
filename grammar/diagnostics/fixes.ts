/**
 * The edits a diagnostic's fixes are made of (`DiagnosticFix`), built the one way everywhere:
 * a name replaced, an item taken out of a comma-separated list with its comma, a statement
 * removed with its line, a statement added beside another on its line or on a line of its
 * own, indented as its neighbour. What a fix leaves parses, and reads as the canonical layout
 * (grammar/REFERENCE.md) would lay it out wherever the text around it already does.
 */
import type { Span } from "../ast.js";
import type { SourceText } from "../source.js";
import type { DiagnosticFix, TextEdit } from "./diagnostic.js";

/** A fix; `preferred` when it is almost certainly what was meant. */
export function fix(title: string, edits: readonly TextEdit[], preferred = false): DiagnosticFix {
  return preferred ? { title, edits, preferred } : { title, edits };
}

/** Replaces the text at `span` with `text`. */
export function replaceSpan(span: Span, text: string): TextEdit {
  return { span, text };
}

/** Inserts `text` at `offset`. */
export function insertAt(offset: number, text: string): TextEdit {
  return { span: { start: offset, end: offset }, text };
}

/**
 * Takes item `index` out of a comma-separated list (`a, b, c`, the names of an import or a
 * group) together with one comma: the one after it, or before it for the last item. The
 * list must have another item.
 */
export function removeListItem(items: readonly { readonly span: Span }[], index: number): TextEdit {
  const item = items[index]!;
  const next = items[index + 1];
  if (next !== undefined) return replaceSpan({ start: item.span.start, end: next.span.start }, "");
  const previous = items[index - 1]!;
  return replaceSpan({ start: previous.span.end, end: item.span.end }, "");
}

/**
 * Removes the statement at `span` (an import, a property, a backend statement). Alone on its
 * line, the whole line goes, and a blank line after it too when it would leave the file
 * beginning with one or two blank lines in a row; beside other text, the statement goes with
 * the spaces that separate it from its neighbour.
 */
export function removeStatement(source: SourceText, span: Span): TextEdit {
  const { text } = source;
  const first = lineOf(source, span.start);
  const last = lineOf(source, span.end);
  const before = text.slice(first.start, span.start);
  const after = text.slice(span.end, last.contentEnd);
  if (isBlank(before) && isBlank(after)) {
    let end = last.next;
    const previous = first.start === 0 ? undefined : lineOf(source, first.start - 1);
    const following = end < text.length ? lineOf(source, end) : undefined;
    const blankAbove = previous === undefined || isBlank(text.slice(previous.start, previous.contentEnd));
    if (blankAbove && following !== undefined && isBlank(text.slice(following.start, following.contentEnd))) {
      end = following.next;
    }
    return replaceSpan({ start: first.start, end }, "");
  }
  if (isBlank(before)) return replaceSpan({ start: span.start, end: span.end + leadingSpaces(after) }, "");
  return replaceSpan({ start: span.start - trailingSpaces(before), end: span.end }, "");
}

/**
 * Adds the statement `statement` (a property, with its `;`) before the one at `span`: on a
 * line of its own, indented the same, when that one begins its line; else on the same line.
 */
export function insertStatementBefore(source: SourceText, span: Span, statement: string): TextEdit {
  const line = lineOf(source, span.start);
  const indent = source.text.slice(line.start, span.start);
  if (isBlank(indent)) return insertAt(span.start, `${statement}${lineBreak(source)}${indent}`);
  return insertAt(span.start, `${statement} `);
}

/**
 * Adds the statement `statement` after the one at `span`: on a line of its own, indented the
 * same, when that one stands alone on its line; else on the same line.
 */
export function insertStatementAfter(source: SourceText, span: Span, statement: string): TextEdit {
  const first = lineOf(source, span.start);
  const last = lineOf(source, span.end);
  const indent = source.text.slice(first.start, span.start);
  if (isBlank(indent) && isBlank(source.text.slice(span.end, last.contentEnd))) {
    return insertAt(span.end, `${lineBreak(source)}${indent}${statement}`);
  }
  return insertAt(span.end, ` ${statement}`);
}

/**
 * The text with `edits` made, as an editor makes them: each replaces its span of the
 * original text. Edits must not overlap; a `RangeError` says so.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  let result = "";
  let at = 0;
  for (const edit of sorted) {
    const { start, end } = edit.span;
    if (start < at || end < start || end > text.length) {
      throw new RangeError(`edit ${start}–${end} overlaps another or leaves the text (${text.length} characters)`);
    }
    result += text.slice(at, start) + edit.text;
    at = end;
  }
  return result + text.slice(at);
}

interface Line {
  readonly start: number;
  /** Where the line's text ends: its line break, or the end of the file. */
  readonly contentEnd: number;
  /** Where the next line starts (the end of the file for the last one). */
  readonly next: number;
}

/** The line that holds `offset`. */
function lineOf(source: SourceText, offset: number): Line {
  const { lineStarts, text } = source;
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  const start = lineStarts[low]!;
  const next = lineStarts[low + 1] ?? text.length;
  let contentEnd = next;
  while (contentEnd > start && (text[contentEnd - 1] === "\n" || text[contentEnd - 1] === "\r")) contentEnd--;
  return { start, contentEnd, next };
}

/** The file's own line break: `\r\n` when its first line ends with one. */
function lineBreak(source: SourceText): string {
  const second = source.lineStarts[1];
  return second !== undefined && source.text[second - 2] === "\r" ? "\r\n" : "\n";
}

function isBlank(text: string): boolean {
  return /^[ \t]*$/.test(text);
}

function leadingSpaces(text: string): number {
  return /^[ \t]*/.exec(text)![0].length;
}

function trailingSpaces(text: string): number {
  return /[ \t]*$/.exec(text)![0].length;
}
