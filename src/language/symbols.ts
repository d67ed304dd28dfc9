/**
 * The document's outline: its imports with their names, its backend statement, and its groups
 * with their methods and properties.
 */
import type { Group, ImportDeclaration, Property, StringLiteral, Value } from "../../grammar/ast.js";
import { defaultModuleSpecifier } from "../resolve/manifest-name.js";
import { importOf } from "./mentions.js";
import type { ManifestState, SymbolEntry } from "./types.js";

/**
 * The manifest's outline, in source order: each import (named by its module path, as written) with a child per
 * name it imports; the backend statement; each group (named by its methods, with its execution
 * flow, or the properties it sets, as detail) with a child per method (its module as detail)
 * and per property (its value as detail).
 */
export function documentSymbols(state: ManifestState): readonly SymbolEntry[] {
  const document = state.compiled.document;
  const text = state.source.text;
  const defaultModule = defaultModuleSpecifier(state.source.path);
  const moduleOf = (name: string): string => importOf(document, name)?.declaration.source.value ?? defaultModule;
  const symbols: SymbolEntry[] = [
    ...document.imports.map((declaration) => importSymbol(declaration, text)),
    ...document.backends.map((declaration): SymbolEntry => ({
      name: valueText(declaration.value, text),
      kind: "backend",
      detail: "backend",
      span: declaration.span,
      selection: declaration.value.span,
      children: [],
    })),
    ...document.groups.map((group) => groupSymbol(group, text, moduleOf)),
  ];
  return symbols.sort((a, b) => a.span.start - b.span.start);
}

function importSymbol(declaration: ImportDeclaration, text: string): SymbolEntry {
  return {
    name: valueText(declaration.source, text),
    kind: "import",
    detail: "import",
    span: declaration.span,
    selection: declaration.source.span,
    children: declaration.specifiers.map((specifier) => ({
      name: specifier.local.name,
      kind: "method",
      detail: specifier.imported === specifier.local ? undefined : `exported as ${specifier.imported.name}`,
      span: specifier.span,
      selection: specifier.local.span,
      children: [],
    })),
  };
}

function groupSymbol(group: Group, text: string, moduleOf: (name: string) => string): SymbolEntry {
  const flow = group.block.properties.find((property) => property.key.name === "execution_flow");
  const keys = group.block.properties.map((property) => property.key.name);
  const first = group.methods[0]!.span;
  const last = group.methods.at(-1)!.span;
  return {
    name: group.methods.map((method) => method.name).join(", "),
    kind: "group",
    detail: flow === undefined ? keys.join(", ") || undefined : valueText(flow.value, text),
    span: group.span,
    selection: { start: first.start, end: last.end },
    children: [
      ...group.methods.map((method): SymbolEntry => ({
        name: method.name,
        kind: "method",
        detail: method.name.startsWith("@") ? undefined : moduleOf(method.name),
        span: method.span,
        selection: method.span,
        children: [],
      })),
      ...group.block.properties.map((property) => propertySymbol(property, text)),
    ],
  };
}

function propertySymbol(property: Property, text: string): SymbolEntry {
  return {
    name: property.key.name,
    kind: "property",
    detail: valueText(property.value, text),
    span: property.span,
    selection: property.key.span,
    children: [],
  };
}

/** A value as written (a string with its quotes, so that no name is empty). */
function valueText(value: Value | StringLiteral, text: string): string {
  return text.slice(value.span.start, value.span.end);
}
