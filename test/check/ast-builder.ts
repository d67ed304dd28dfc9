import type {
  Block,
  FlowDocument,
  Group,
  Identifier,
  ImportDeclaration,
  ImportSpecifier,
  NumberLiteral,
  Property,
  Span,
  StringLiteral,
  Value,
} from "../../grammar/ast.js";
import { createSourceText, type SourceText } from "../../grammar/source.js";

/**
 * Builds documents directly, without the parser, printing their text as it goes so that
 * every span is right. Used where tests need trees the parser would never produce
 * (NaN, infinite or enormous numbers, odd units) or must not depend on the parser.
 */
export type ValueSpec =
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "number"; readonly value: number; readonly unit?: string | undefined }
  | { readonly kind: "string"; readonly value: string };

export interface GroupSpec {
  readonly methods: readonly string[];
  readonly properties?: readonly (readonly [string, ValueSpec])[];
  readonly angle?: boolean;
}

export interface ImportSpec {
  /** `"a"` or `["a", "b"]` for `a as b`. */
  readonly names: readonly (string | readonly [string, string])[];
  readonly from: string;
}

export interface Built {
  readonly document: FlowDocument;
  readonly source: SourceText;
}

export function buildManifest(
  groups: readonly GroupSpec[],
  imports: readonly ImportSpec[] = [],
  path = "etl.flow",
): Built {
  let text = "";
  const write = (part: string): Span => {
    const start = text.length;
    text += part;
    return { start, end: text.length };
  };
  const identifier = (name: string): Identifier => ({ kind: "Identifier", span: write(name), name });

  const importNodes: ImportDeclaration[] = imports.map((spec) => {
    const start = text.length;
    write("import { ");
    const specifiers: ImportSpecifier[] = spec.names.map((entry, i) => {
      if (i > 0) write(", ");
      const specStart = text.length;
      const [importedName, localName] = typeof entry === "string" ? [entry, entry] : entry;
      const imported = identifier(importedName);
      let local = imported;
      if (typeof entry !== "string") {
        write(" as ");
        local = identifier(localName);
      }
      return { kind: "ImportSpecifier", span: { start: specStart, end: text.length }, imported, local };
    });
    write(" } from ");
    const source: StringLiteral = { kind: "StringLiteral", span: write(JSON.stringify(spec.from)), value: spec.from };
    write(";\n");
    return { kind: "ImportDeclaration", span: { start, end: text.length - 1 }, specifiers, source };
  });

  const groupNodes: Group[] = groups.map((spec) => {
    const start = text.length;
    const methods = spec.methods.map((name, i) => {
      if (i > 0) write(", ");
      return identifier(name);
    });
    write(" ");
    const blockStart = text.length;
    write(spec.angle === true ? "<" : "{");
    const properties: Property[] = (spec.properties ?? []).map(([key, value]) => {
      write(" ");
      const propertyStart = text.length;
      const keyNode = identifier(key);
      write(": ");
      const valueNode = buildValue(value, write);
      write(";");
      return { kind: "Property", span: { start: propertyStart, end: text.length }, key: keyNode, value: valueNode };
    });
    write(spec.angle === true ? " >" : " }");
    const block: Block = {
      kind: "Block",
      span: { start: blockStart, end: text.length },
      delimiter: spec.angle === true ? "angle" : "brace",
      properties,
    };
    const group: Group = { kind: "Group", span: { start, end: text.length }, methods, block };
    write("\n");
    return group;
  });

  const document: FlowDocument = {
    kind: "Document",
    span: { start: 0, end: text.length },
    imports: importNodes,
    backends: [],
    outerBraces: false,
    groups: groupNodes,
    comments: [],
  };
  return { document, source: createSourceText(path, text) };
}

function buildValue(spec: ValueSpec, write: (part: string) => Span): Value {
  switch (spec.kind) {
    case "name":
      return { kind: "Identifier", span: write(spec.name), name: spec.name };
    case "string":
      return { kind: "StringLiteral", span: write(JSON.stringify(spec.value)), value: spec.value };
    case "number": {
      const raw = `${spec.value}${spec.unit ?? ""}`;
      const literal: NumberLiteral = {
        kind: "NumberLiteral",
        span: write(raw),
        raw,
        value: spec.value,
        unit: spec.unit,
      };
      return literal;
    }
  }
}
