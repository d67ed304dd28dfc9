import type { FlowDocument, Identifier } from "../../grammar/ast.js";

/** The properties whose value names a method: a predicate (`run_if`) or a `fallback`. */
export const methodValuedProperties: readonly string[] = ["run_if", "fallback"];

/**
 * The first mention of every method the manifest names, in source order: in a group, or
 * as the value of `run_if` or `fallback` (a method may be only a predicate or a fallback).
 * Names that begin with `@` are not methods (`@input` is the run's input) and are left out.
 */
export function methodMentions(document: FlowDocument): Map<string, Identifier> {
  const mentions: Identifier[] = [];
  for (const group of document.groups) {
    for (const mention of group.methods) mentions.push(mention);
    for (const property of group.block.properties) {
      if (methodValuedProperties.includes(property.key.name) && property.value.kind === "Identifier") {
        mentions.push(property.value);
      }
    }
  }
  const first = new Map<string, Identifier>();
  for (const mention of mentions) {
    if (!mention.name.startsWith("@") && !first.has(mention.name)) first.set(mention.name, mention);
  }
  return first;
}
