/**
 * Edits of a manifest's imports, as code actions make them: a name added to an import's
 * braces, names taken out of them, a whole import removed with its line. Each keeps the
 * text parsing: a name goes with one of its commas, never both, and an import left with
 * no name goes altogether.
 */
import type { ImportDeclaration, ImportSpecifier, Span } from "../../grammar/ast.js";
import type { TextEdit } from "./types.js";

/** Adds `specifier` (`x`, or `x as y`) after the last name of `declaration`'s braces. */
export function addSpecifier(declaration: ImportDeclaration, specifier: string): TextEdit {
  const last = declaration.specifiers.at(-1)!;
  return { span: { start: last.span.end, end: last.span.end }, text: `, ${specifier}` };
}

/**
 * Removes `remove` from `declaration`: each run of removed names with the comma after it,
 * or, for a run that ends the list, with the comma before it; the whole import (with its
 * line, when nothing else is on it) when no name is left.
 */
export function removeSpecifiers(
  text: string,
  declaration: ImportDeclaration,
  remove: ReadonlySet<ImportSpecifier>,
): TextEdit[] {
  const specifiers = declaration.specifiers;
  if (specifiers.every((specifier) => remove.has(specifier))) return [removeDeclaration(text, declaration)];
  const edits: TextEdit[] = [];
  for (let first = 0; first < specifiers.length; first++) {
    if (!remove.has(specifiers[first]!)) continue;
    let last = first;
    while (last + 1 < specifiers.length && remove.has(specifiers[last + 1]!)) last++;
    const following = specifiers[last + 1];
    const span: Span =
      following === undefined
        ? // Not every name goes, so a kept one stands before this run.
          { start: specifiers[first - 1]!.span.end, end: specifiers[last]!.span.end }
        : { start: specifiers[first]!.span.start, end: following.span.start };
    edits.push({ span, text: "" });
    first = last;
  }
  return edits;
}

/**
 * Removes an import: its whole line when nothing else is on it; else the import with the
 * spaces after it, or, when it ends the line, with the spaces before it.
 */
export function removeDeclaration(text: string, declaration: ImportDeclaration): TextEdit {
  let start = declaration.span.start;
  while (start > 0 && isBlank(text[start - 1]!)) start--;
  let end = declaration.span.end;
  while (end < text.length && isBlank(text[end]!)) end++;
  const beginsLine = start === 0 || isBreak(text[start - 1]!);
  const endsLine = end === text.length || isBreak(text[end]!);
  if (beginsLine && endsLine) {
    const breakLength = text.startsWith("\r\n", end) ? 2 : end < text.length ? 1 : 0;
    return { span: { start, end: end + breakLength }, text: "" };
  }
  return { span: endsLine ? { start, end } : { start: declaration.span.start, end }, text: "" };
}

/** Deletions merged where they overlap or meet, so that the edits of several removals never overlap. */
export function mergeDeletions(edits: readonly TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
  const merged: TextEdit[] = [];
  for (const edit of sorted) {
    const previous = merged.at(-1);
    if (previous !== undefined && previous.text === "" && edit.text === "" && edit.span.start <= previous.span.end) {
      merged[merged.length - 1] = {
        span: { start: previous.span.start, end: Math.max(previous.span.end, edit.span.end) },
        text: "",
      };
    } else {
      merged.push(edit);
    }
  }
  return merged;
}

function isBlank(character: string): boolean {
  return character === " " || character === "\t";
}

function isBreak(character: string): boolean {
  return character === "\n" || character === "\r" || character === "\u2028" || character === "\u2029";
}
