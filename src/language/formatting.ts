/**
 * Formatting as an editor asks for it: the whole manifest, or the part a selection touches,
 * laid out as `flowc fmt` lays it out (src/format/format.ts). Text that does not parse is
 * never formatted.
 *
 * A range is formatted statement by statement. The manifest and its formatted text are cut
 * into the same chunks, one per top-level statement (an import, the backend statement, the
 * outer `{`, a group, the outer `}`), each from the line after the previous statement ends
 * to the line where its own ends: the comments and blank lines before a statement go with
 * it, those on its last line too, and the formatter keeps each comment in the chunk it was
 * in. Replacing the chunks a range touches by their formatted counterparts lays those
 * statements out and leaves every other line as it was. Statements that share a line (or a
 * comment spanning lines) share a chunk, and a backend statement written among the imports,
 * which the formatter moves after them, makes the whole header one chunk.
 */
import type { FlowDocument, Span } from "../../grammar/ast.js";
import { parse } from "../../grammar/index.js";
import { tokenize } from "../../grammar/lexer.js";
import { createSourceText, type SourceText } from "../../grammar/source.js";
import { LCurly, RCurly } from "../../grammar/tokens.js";
import { hasErrors } from "../../grammar/diagnostics/diagnostic.js";
import { applyEdits } from "../../grammar/diagnostics/fixes.js";
import { formatSource } from "../format/format.js";
import type { ManifestState, TextEdit } from "./types.js";

/** The edits that lay the whole manifest out as `flowc fmt` does. */
export function formatDocument(state: ManifestState): readonly TextEdit[] {
  const formatted = formattedText(state.source);
  if (formatted === undefined || formatted === state.source.text) return [];
  return [{ span: { start: 0, end: state.source.text.length }, text: formatted }];
}

/**
 * The edits that lay out the top-level statements `span` touches, as `flowc fmt` lays them
 * out, with their comments and the blank lines before them; nothing outside them changes.
 */
export function formatRange(state: ManifestState, span: Span): readonly TextEdit[] {
  const original = state.source.text;
  const formatted = formattedText(state.source);
  if (formatted === undefined || formatted === original) return [];
  const chunks = alignedChunks(state.source, formatted);
  const edits: TextEdit[] = [];
  for (const chunk of chunks) {
    if (!touches(chunk.original, span, original.length)) continue;
    const edit = minimalEdit(original, chunk.original, formatted.slice(chunk.formatted.start, chunk.formatted.end));
    if (edit !== undefined) edits.push(edit);
  }
  // The chunks are cut so that this holds; should a layout ever break it, format nothing rather than wrongly.
  return formattedText(createSourceText(state.source.path, applyEdits(original, edits))) === formatted ? edits : [];
}

/** The manifest in the canonical layout, or `undefined` when it has syntax errors. */
function formattedText(source: SourceText): string | undefined {
  return formatSource(source).text;
}

interface Chunk {
  readonly original: Span;
  readonly formatted: Span;
}

/** The chunks of the manifest and of its formatted text, pairwise the same statements (see the file comment). */
function alignedChunks(source: SourceText, formatted: string): Chunk[] {
  const whole: Chunk[] = [
    { original: { start: 0, end: source.text.length }, formatted: { start: 0, end: formatted.length } },
  ];
  const formattedSource = createSourceText(source.path, formatted);
  const originalParse = parse(source);
  const formattedParse = parse(formattedSource);
  if (hasErrors(originalParse.diagnostics) || hasErrors(formattedParse.diagnostics)) return whole;
  const originalHeaderInOrder = headerInOrder(originalParse.document);
  const originalUnits = statements(originalParse.document, source, !originalHeaderInOrder);
  const formattedUnits = statements(formattedParse.document, formattedSource, !originalHeaderInOrder);
  if (originalUnits.length !== formattedUnits.length) return whole;

  const originalComments = originalParse.document.comments.map((comment) => comment.span);
  const formattedComments = formattedParse.document.comments.map((comment) => comment.span);
  const chunks: Chunk[] = [];
  let start = { original: 0, formatted: 0 };
  for (let index = 1; index < originalUnits.length; index++) {
    const cut = {
      original: cutAfter(source.text, originalUnits[index - 1]!, originalUnits[index]!, originalComments),
      formatted: cutAfter(formatted, formattedUnits[index - 1]!, formattedUnits[index]!, formattedComments),
    };
    if (cut.original === undefined || cut.formatted === undefined) continue;
    chunks.push({
      original: { start: start.original, end: cut.original },
      formatted: { start: start.formatted, end: cut.formatted },
    });
    start = { original: cut.original, formatted: cut.formatted };
  }
  chunks.push({
    original: { start: start.original, end: source.text.length },
    formatted: { start: start.formatted, end: formatted.length },
  });
  return chunks;
}

/** Whether the header is written as the formatter prints it: every import before every backend statement. */
function headerInOrder(document: FlowDocument): boolean {
  const lastImport = Math.max(-1, ...document.imports.map((declaration) => declaration.span.start));
  return document.backends.every((declaration) => declaration.span.start > lastImport);
}

/** The spans of the top-level statements in order; the header as one when `mergeHeader`. */
function statements(document: FlowDocument, source: SourceText, mergeHeader: boolean): Span[] {
  const header = [...document.imports, ...document.backends].map((node) => node.span).sort((a, b) => a.start - b.start);
  const units: Span[] =
    mergeHeader && header.length > 0 ? [{ start: header[0]!.start, end: header.at(-1)!.end }] : header;
  const groups = document.groups.map((group) => group.span);
  if (!document.outerBraces) return [...units, ...groups];
  // The outer braces are not in the tree: the first `{` after the header and the last `}`, as the formatter finds them.
  const tokens = tokenize(source.text, source.path).tokens;
  const afterHeader = header.at(-1)?.end ?? 0;
  const open = tokens.find((token) => token.tokenType === LCurly && token.startOffset >= afterHeader);
  const close = tokens.findLast((token) => token.tokenType === RCurly);
  if (open === undefined || close === undefined) return [...units, ...groups];
  return [
    ...units,
    { start: open.startOffset, end: open.startOffset + 1 },
    ...groups,
    { start: close.startOffset, end: close.startOffset + 1 },
  ];
}

/**
 * Where the chunk of `next` begins: at the line after the one `previous` ends on, unless
 * `next` begins on that line too or a comment spans the line break (then there is no cut).
 */
function cutAfter(text: string, previous: Span, next: Span, comments: readonly Span[]): number | undefined {
  const lineBreak = /\r\n|\r|\n|\u2028|\u2029/g;
  lineBreak.lastIndex = previous.end;
  const found = lineBreak.exec(text);
  if (found === null) return undefined;
  const cut = found.index + found[0].length;
  if (cut > next.start) return undefined;
  return comments.some((comment) => comment.start < cut && cut < comment.end) ? undefined : cut;
}

/** Whether the range `span` touches the chunk `chunk` (a cursor: the chunk it stands in). */
function touches(chunk: Span, span: Span, length: number): boolean {
  if (span.start === span.end) {
    return (chunk.start <= span.start && span.start < chunk.end) || (span.start === length && chunk.end === length);
  }
  return span.start < chunk.end && chunk.start < span.end;
}

/**
 * The edit that turns `text`'s `span` into `replacement`, without the prefix and suffix
 * they share (so that an editor keeps the cursor and the marks in them), or `undefined`
 * when they are the same. The edit never starts or ends inside a `\r\n` or a surrogate
 * pair, which no editor position can name.
 */
function minimalEdit(text: string, span: Span, replacement: string): TextEdit | undefined {
  const current = text.slice(span.start, span.end);
  if (current === replacement) return undefined;
  const shorter = Math.min(current.length, replacement.length);
  let prefix = 0;
  while (prefix < shorter && current[prefix] === replacement[prefix]) prefix++;
  while (prefix > 0 && (splits(current, prefix) || splits(replacement, prefix))) prefix--;
  let suffix = 0;
  while (suffix < shorter - prefix && current.at(-1 - suffix) === replacement.at(-1 - suffix)) suffix++;
  while (suffix > 0 && (splits(current, current.length - suffix) || splits(replacement, replacement.length - suffix))) {
    suffix--;
  }
  return {
    span: { start: span.start + prefix, end: span.end - suffix },
    text: replacement.slice(prefix, replacement.length - suffix),
  };
}

/** Whether a cut before `text[index]` would fall inside a `\r\n` or a surrogate pair. */
function splits(text: string, index: number): boolean {
  if (index <= 0 || index >= text.length) return false;
  const before = text.charCodeAt(index - 1);
  const after = text.charCodeAt(index);
  const pair = before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
  return pair || (before === 13 && after === 10);
}
