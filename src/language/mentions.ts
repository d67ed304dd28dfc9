/**
 * Where the manifest names its methods: every identifier that stands for a method (a name in a
 * group, an import's local name, the value of `run_if` or `fallback`), and which one introduces
 * each name. Read from the document alone, so that it answers for any text the parser
 * recovered, before (or without) the resolver.
 */
import type {
  FlowDocument,
  Group,
  Identifier,
  ImportDeclaration,
  ImportSpecifier,
  Property,
} from "../../grammar/ast.js";
import { methodValuedProperties } from "../resolve/mentions.js";

/** One identifier that names a method. */
export type Mention =
  | { readonly role: "group"; readonly identifier: Identifier; readonly group: Group }
  | {
      readonly role: "import";
      readonly identifier: Identifier;
      readonly specifier: ImportSpecifier;
      readonly declaration: ImportDeclaration;
    }
  | { readonly role: "value"; readonly identifier: Identifier; readonly property: Property; readonly group: Group };

/** Whether a name can be a method's (names that begin with `@` never are: `@input` is the run's input). */
export function isMethodName(name: string): boolean {
  return name !== "" && !name.startsWith("@");
}

/** Whether `property` names a method by its value (`run_if: ready;`, `fallback: later;`). */
export function namesMethod(property: Property): property is Property & { readonly value: Identifier } {
  return (
    methodValuedProperties.includes(property.key.name) &&
    property.value.kind === "Identifier" &&
    isMethodName(property.value.name)
  );
}

/** Every mention of every method, in source order. */
export function allMentions(document: FlowDocument): Mention[] {
  const mentions: Mention[] = [];
  for (const declaration of document.imports) {
    for (const specifier of declaration.specifiers) {
      if (isMethodName(specifier.local.name)) {
        mentions.push({ role: "import", identifier: specifier.local, specifier, declaration });
      }
    }
  }
  for (const group of document.groups) {
    for (const identifier of group.methods) {
      if (isMethodName(identifier.name)) mentions.push({ role: "group", identifier, group });
    }
    for (const property of group.block.properties) {
      if (namesMethod(property)) mentions.push({ role: "value", identifier: property.value, property, group });
    }
  }
  return mentions.sort((a, b) => a.identifier.span.start - b.identifier.span.start);
}

/** Every mention of the method `name`, in source order. */
export function mentionsOf(document: FlowDocument, name: string): Mention[] {
  return allMentions(document).filter((mention) => mention.identifier.name === name);
}

/** The import that gives the manifest the name `name` (the first, when it is imported twice). */
export function importOf(
  document: FlowDocument,
  name: string,
): { readonly specifier: ImportSpecifier; readonly declaration: ImportDeclaration } | undefined {
  for (const declaration of document.imports) {
    for (const specifier of declaration.specifiers) {
      if (specifier.local.name === name) return { specifier, declaration };
    }
  }
  return undefined;
}

/**
 * The mention that introduces `name`, as the resolver reads it: its import's local name, or
 * else its first mention in a group or as a `run_if`/`fallback` value.
 */
export function declarationOf(document: FlowDocument, name: string): Mention | undefined {
  const mentions = mentionsOf(document, name);
  return mentions.find((mention) => mention.role === "import") ?? mentions[0];
}
