/**
 * The fixes of diagnostics about what groups and statements say (the binder's FLOW2xxx, the
 * rules' FLOW3xxx): a word changed to the one meant, a repeated name or property taken out,
 * a property added to a block beside those it has.
 */
import type { Group, Property, Span } from "../../grammar/ast.js";
import type { DiagnosticFix } from "../../grammar/diagnostics/diagnostic.js";
import {
  fix,
  insertStatementAfter,
  insertStatementBefore,
  removeListItem,
  removeStatement,
  replaceSpan,
} from "../../grammar/diagnostics/fixes.js";
import type { SourceText } from "../../grammar/source.js";

/** The text at `span` changed to `word`, the one word it is taken to mean. */
export function changeTo(span: Span, word: string): DiagnosticFix {
  return fix(`Change to '${word}'`, [replaceSpan(span, word)], true);
}

/** Each of `words` in place of the text at `span`, one fix each; preferred when there is one only. */
export function changeToOneOf(span: Span, words: readonly string[]): DiagnosticFix[] {
  return words.map((word) => fix(`Change to '${word}'`, [replaceSpan(span, word)], words.length === 1));
}

/**
 * The name at `index` of the group taken out, a name listed before it again. The binder reads
 * the group without it; that is certainly what was meant where the order of the names means
 * nothing (the group is not `ordered`, sequential) or where it follows its first mention
 * directly (`a, a`).
 */
export function removeRepeatedName(group: Group, index: number, firstIndex: number, ordered: boolean): DiagnosticFix {
  const name = group.methods[index]!.name;
  return fix(
    `Remove the second '${name}'`,
    [removeListItem(group.methods, index)],
    !ordered || firstIndex === index - 1,
  );
}

/** Whether the group says it is sequential, where the order of its names is the order they run in. */
export function isWrittenSequential(group: Group): boolean {
  return group.block.properties.some(
    (p) => p.key.name === "execution_flow" && p.value.kind === "Identifier" && p.value.name === "sequential",
  );
}

/** The property taken out of its block, with its line when it has one of its own. */
export function removeProperty(
  source: SourceText,
  property: Property,
  title: string,
  preferred: boolean,
): DiagnosticFix {
  return fix(title, [removeStatement(source, property.span)], preferred);
}

/** `statement` added to a block before `property`, its first (on its line, or on a line of its own). */
export function addPropertyBefore(
  source: SourceText,
  property: Property,
  statement: string,
  preferred: boolean,
): DiagnosticFix {
  return fix(`Add '${statement}'`, [insertStatementBefore(source, property.span, statement)], preferred);
}

/** `statement` added to a block after `property`. */
export function addPropertyAfter(
  source: SourceText,
  property: Property,
  statement: string,
  preferred: boolean,
): DiagnosticFix {
  return fix(`Add '${statement}'`, [insertStatementAfter(source, property.span, statement)], preferred);
}

/** Whether two values are written alike, so that either may go. */
export function sameText(source: SourceText, a: Span, b: Span): boolean {
  return source.text.slice(a.start, a.end) === source.text.slice(b.start, b.end);
}
