/**
 * Between the compiler's terms and the protocol's: offsets into a text and LSP positions
 * (0-based lines, UTF-16 characters, as `grammar/source.ts` counts them 1-based), spans and
 * ranges, file paths and `file:` URIs.
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Position, Range } from "vscode-languageserver";
import type { Span } from "../../grammar/ast.js";
import { positionAt, type SourceText } from "../../grammar/source.js";

/** The LSP position of `offset` in `source`. */
export function toPosition(source: SourceText, offset: number): Position {
  const { line, column } = positionAt(source, offset);
  return { line: line - 1, character: column - 1 };
}

export function toRange(source: SourceText, span: Span): Range {
  return { start: toPosition(source, span.start), end: toPosition(source, Math.max(span.start, span.end)) };
}

/**
 * The offset of an LSP position in `source`: a line past the last is the end of the text, a
 * character past the end of its line is the end of that line (as the protocol asks), before
 * its line break.
 */
export function toOffset(source: SourceText, position: Position): number {
  const { lineStarts, text } = source;
  if (position.line < 0) return 0;
  if (position.line >= lineStarts.length) return text.length;
  const start = lineStarts[position.line]!;
  let end = position.line + 1 < lineStarts.length ? lineStarts[position.line + 1]! : text.length;
  // The line's own characters end before its break: `\n`, `\r` or `\r\n`.
  if (end > start && text.charCodeAt(end - 1) === 10) end--;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return start + Math.min(Math.max(0, position.character), end - start);
}

export function toSpan(source: SourceText, range: Range): Span {
  const start = toOffset(source, range.start);
  const end = toOffset(source, range.end);
  return start <= end ? { start, end } : { start: end, end: start };
}

/** The absolute path of a `file:` URI; `undefined` for any other scheme (an unsaved, untitled buffer). */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return path.resolve(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

export function pathToUri(file: string): string {
  return pathToFileURL(file).href;
}
