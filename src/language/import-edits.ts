/**
 * Edits of a manifest's imports, as code actions make them, with the edits the compiler's
 * own fixes are made of (grammar/diagnostics/fixes.ts): a name added to an import's braces,
 * names taken out of them, an import left with no name removed with its line. Each keeps
 * the text parsing: a name goes with one of its commas, never both.
 */
import type { ImportDeclaration, ImportSpecifier } from "../../grammar/ast.js";
import { insertAt, removeStatement, replaceSpan } from "../../grammar/diagnostics/fixes.js";
import type { SourceText } from "../../grammar/source.js";
import type { TextEdit } from "./types.js";

/** Adds `specifier` (`x`, or `x as y`) after the last name of `declaration`'s braces. */
export function addSpecifier(declaration: ImportDeclaration, specifier: string): TextEdit {
  return insertAt(declaration.specifiers.at(-1)!.span.end, `, ${specifier}`);
}

/**
 * Removes `remove` from `declaration`: each run of removed names with the comma after it,
 * or, for a run that ends the list, with the comma before it (as `removeListItem` takes one
 * name); the whole import, with its line, when no name is left.
 */
export function removeSpecifiers(
  source: SourceText,
  declaration: ImportDeclaration,
  remove: ReadonlySet<ImportSpecifier>,
): TextEdit[] {
  const specifiers = declaration.specifiers;
  if (specifiers.every((specifier) => remove.has(specifier))) return [removeStatement(source, declaration.span)];
  const edits: TextEdit[] = [];
  for (let first = 0; first < specifiers.length; first++) {
    if (!remove.has(specifiers[first]!)) continue;
    let last = first;
    while (last + 1 < specifiers.length && remove.has(specifiers[last + 1]!)) last++;
    const following = specifiers[last + 1];
    edits.push(
      following === undefined
        ? // Not every name goes, so a kept one stands before this run.
          replaceSpan({ start: specifiers[first - 1]!.span.end, end: specifiers[last]!.span.end }, "")
        : replaceSpan({ start: specifiers[first]!.span.start, end: following.span.start }, ""),
    );
    first = last;
  }
  return edits;
}

/**
 * Deletions merged where they overlap or meet, so that the edits of several removals never
 * overlap: two imports on one line both claim the spaces between them.
 */
export function mergeDeletions(edits: readonly TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
  const merged: TextEdit[] = [];
  for (const edit of sorted) {
    const previous = merged.at(-1);
    if (previous !== undefined && previous.text === "" && edit.text === "" && edit.span.start <= previous.span.end) {
      merged[merged.length - 1] = replaceSpan(
        { start: previous.span.start, end: Math.max(previous.span.end, edit.span.end) },
        "",
      );
    } else {
      merged.push(edit);
    }
  }
  return merged;
}
