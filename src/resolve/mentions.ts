import type { FlowDocument, Group, Identifier } from "../../grammar/ast.js";

/** The properties whose value names a method: a predicate (`run_if`) or a `fallback`. */
export const methodValuedProperties: readonly string[] = ["run_if", "fallback"];

/**
 * The first mention of every method the manifest names, in source order: in a group, or
 * as the value of `run_if` or `fallback` (a method may be only a predicate or a fallback).
 * Names that begin with `@` are not methods (`@input` is the run's input) and are left out.
 */
export function methodMentions(document: FlowDocument): Map<string, Identifier> {
  const first = new Map<string, Identifier>();
  for (const group of document.groups) {
    for (const mention of groupMentions(group)) {
      if (!mention.name.startsWith("@") && !first.has(mention.name)) first.set(mention.name, mention);
    }
  }
  return first;
}

/** Every mention of a method in one group, in source order: its names, then its predicate and fallback. */
export function groupMentions(group: Group): Identifier[] {
  const mentions = [...group.methods];
  for (const property of group.block.properties) {
    if (methodValuedProperties.includes(property.key.name) && property.value.kind === "Identifier") {
      mentions.push(property.value);
    }
  }
  return mentions;
}
