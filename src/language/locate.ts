/**
 * What stands at an offset of a manifest: the node an editor's question (hover, definition,
 * rename…) is about. An offset is a caret position between two characters; a node is found when
 * the caret is inside it or just after it, and a node the caret is inside wins over one it ends
 * (in `a,b` the caret before `,` is on `a`; before `b`, on `b`).
 */
import type {
  BackendDeclaration,
  FlowDocument,
  Group,
  Identifier,
  ImportDeclaration,
  ImportSpecifier,
  Property,
  Span,
  StringLiteral,
} from "../../grammar/ast.js";
import { isMethodName, namesMethod, type Mention } from "./mentions.js";

export type Located =
  /** A name that stands for a method: in a group, an import's local name, a `run_if`/`fallback` value. */
  | { readonly kind: "method"; readonly name: string; readonly mention: Mention }
  /** The exported name of an aliased import (`transform` in `transform as clean`); `name` is the local one. */
  | {
      readonly kind: "export";
      readonly name: string;
      readonly identifier: Identifier;
      readonly specifier: ImportSpecifier;
      readonly declaration: ImportDeclaration;
    }
  /** `@input` (or another name that begins with `@`) in a group or as a value. */
  | { readonly kind: "at-name"; readonly identifier: Identifier }
  | { readonly kind: "import-source"; readonly literal: StringLiteral; readonly declaration: ImportDeclaration }
  | { readonly kind: "property-key"; readonly property: Property; readonly group: Group }
  /** A property's value that names no method: `parallel`, `3`, `30s`, `kind`. */
  | { readonly kind: "property-value"; readonly property: Property; readonly group: Group }
  | { readonly kind: "backend-value"; readonly declaration: BackendDeclaration };

/** Whether the caret at `offset` touches `span`: 2 inside it, 1 just after it, 0 neither. */
function touch(span: Span, offset: number): 0 | 1 | 2 {
  if (span.start <= offset && offset < span.end) return 2;
  return offset === span.end && span.end > span.start ? 1 : 0;
}

/** The node at `offset`, or `undefined` when the caret is on punctuation, a keyword, a comment or nothing. */
export function locate(document: FlowDocument, offset: number): Located | undefined {
  let after: Located | undefined;
  const consider = (span: Span, found: () => Located): Located | undefined => {
    const how = touch(span, offset);
    if (how === 2) return found();
    if (how === 1) after ??= found();
    return undefined;
  };
  const near = (span: Span): boolean => span.start <= offset && offset <= span.end;

  for (const declaration of document.imports) {
    if (!near(declaration.span)) continue;
    for (const specifier of declaration.specifiers) {
      const { imported, local } = specifier;
      const found =
        consider(local.span, () =>
          identifierAt(local, { role: "import", identifier: local, specifier, declaration }),
        ) ??
        (imported === local
          ? undefined
          : consider(imported.span, () => ({
              kind: "export",
              name: local.name,
              identifier: imported,
              specifier,
              declaration,
            })));
      if (found !== undefined) return found;
    }
    const literal = declaration.source;
    const found = consider(literal.span, () => ({ kind: "import-source", literal, declaration }));
    if (found !== undefined) return found;
  }
  for (const declaration of document.backends) {
    const found = consider(declaration.value.span, () => ({ kind: "backend-value", declaration }));
    if (found !== undefined) return found;
  }
  for (const group of document.groups) {
    if (!near(group.span)) continue;
    for (const identifier of group.methods) {
      const found = consider(identifier.span, () => identifierAt(identifier, { role: "group", identifier, group }));
      if (found !== undefined) return found;
    }
    for (const property of group.block.properties) {
      if (!near(property.span)) continue;
      const found =
        consider(property.key.span, () => ({ kind: "property-key", property, group })) ??
        consider(property.value.span, () => valueAt(property, group));
      if (found !== undefined) return found;
    }
  }
  return after;
}

function identifierAt(identifier: Identifier, mention: Mention): Located {
  return isMethodName(identifier.name)
    ? { kind: "method", name: identifier.name, mention }
    : { kind: "at-name", identifier };
}

function valueAt(property: Property, group: Group): Located {
  if (namesMethod(property)) {
    const identifier = property.value;
    return { kind: "method", name: identifier.name, mention: { role: "value", identifier, property, group } };
  }
  if (property.value.kind === "Identifier" && property.value.name.startsWith("@")) {
    return { kind: "at-name", identifier: property.value };
  }
  return { kind: "property-value", property, group };
}
