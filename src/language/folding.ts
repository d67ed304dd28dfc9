/**
 * Folding: the regions of a manifest an editor can collapse.
 */
import type { Comment, FlowDocument, Span } from "../../grammar/ast.js";
import { tokenize } from "../../grammar/lexer.js";
import { positionAt, type SourceText } from "../../grammar/source.js";
import { LCurly, RCurly } from "../../grammar/tokens.js";
import type { FoldingEntry, ManifestState } from "./types.js";

/**
 * The regions an editor can fold, in source order, each over two lines or more: every group
 * (from its first name to its block's closer), the outer braces, every import written over
 * several lines and each run of consecutive imports (`imports`), block comments and runs of
 * line comments each on a line of its own (`comment`).
 *
 * A region ends on its last character: a block's `}` or `>`. An editor that keeps the closer's
 * line in view (as VS Code does for braces) ends the fold on the line before when the closer
 * begins its line.
 */
export function foldingRanges(state: ManifestState): readonly FoldingEntry[] {
  const { source } = state;
  const document = state.compiled.document;
  const line = (offset: number): number => positionAt(source, offset).line;
  const entries: FoldingEntry[] = [];
  const add = (span: Span, kind?: FoldingEntry["kind"]): void => {
    const end = Math.max(span.start, span.end - 1);
    if (line(end) > line(span.start)) entries.push({ start: span.start, end, ...(kind === undefined ? {} : { kind }) });
  };

  for (const group of document.groups) add(group.span);
  for (const declaration of document.imports) add(declaration.span);
  for (const run of importRuns(document)) add(run, "imports");
  const outer = outerBraces(document, source);
  if (outer !== undefined) add(outer);
  for (const comment of document.comments) if (comment.style === "block") add(comment.span, "comment");
  for (const run of lineCommentRuns(document.comments, source)) add(run, "comment");
  return entries.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** Runs of two imports or more with no backend statement between them. */
function importRuns(document: FlowDocument): Span[] {
  const runs: Span[] = [];
  let first: Span | undefined;
  let last: Span | undefined;
  let count = 0;
  const close = (): void => {
    if (first !== undefined && last !== undefined && count >= 2) runs.push({ start: first.start, end: last.end });
    first = last = undefined;
    count = 0;
  };
  const statements = [...document.imports, ...document.backends].sort((a, b) => a.span.start - b.span.start);
  for (const statement of statements) {
    if (statement.kind === "BackendDeclaration") {
      close();
      continue;
    }
    first ??= statement.span;
    last = statement.span;
    count++;
  }
  close();
  return runs;
}

/** From the outer `{` to the outer `}`: the first and last braces outside every statement and group. */
function outerBraces(document: FlowDocument, source: SourceText): Span | undefined {
  if (!document.outerBraces) return undefined;
  const inside = [...document.imports, ...document.backends, ...document.groups].map((node) => node.span);
  const outside = (offset: number) => !inside.some((span) => span.start <= offset && offset < span.end);
  const tokens = tokenize(source.text, source.path).tokens.filter((token) => outside(token.startOffset));
  const open = tokens.find((token) => token.tokenType === LCurly);
  const close = tokens.findLast((token) => token.tokenType === RCurly);
  if (open === undefined || close === undefined || close.startOffset < open.startOffset) return undefined;
  return { start: open.startOffset, end: close.startOffset + 1 };
}

/** Runs of two line comments or more on consecutive lines, each alone on its line. */
function lineCommentRuns(comments: readonly Comment[], source: SourceText): Span[] {
  const runs: Span[] = [];
  let run: { start: number; end: number; line: number; count: number } | undefined;
  for (const comment of comments) {
    const { line, column } = positionAt(source, comment.span.start);
    const lineStart = source.lineStarts[line - 1] ?? 0;
    const alone = comment.style === "line" && source.text.slice(lineStart, lineStart + column - 1).trim() === "";
    if (alone && run !== undefined && line === run.line + 1) {
      run.end = comment.span.end;
      run.line = line;
      run.count++;
      continue;
    }
    if (run !== undefined && run.count >= 2) runs.push({ start: run.start, end: run.end });
    run = alone ? { start: comment.span.start, end: comment.span.end, line, count: 1 } : undefined;
  }
  if (run !== undefined && run.count >= 2) runs.push({ start: run.start, end: run.end });
  return runs;
}
