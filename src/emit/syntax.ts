/**
 * Small builders over flowc's syntax tree (src/syntax/) for the emitter. Every text
 * that comes from the user becomes a string literal or, only when it is a valid
 * identifier, an identifier; the printer escapes the rest. No code is ever
 * assembled from strings.
 */
import { isIdentifierName } from "../syntax/identifiers.js";
import * as t from "../syntax/tree.js";

export { isIdentifierName };

/**
 * A property name for `key` in an object literal or type literal: bare when it is an
 * identifier, quoted otherwise. `__proto__` is written as a computed name, because
 * as a plain name it would set the object's prototype instead of a property.
 */
export function propertyName(key: string): t.PropertyKey {
  if (key === "__proto__") return t.computed(t.string(key));
  return isIdentifierName(key) ? t.identifierName(key) : t.string(key);
}

/** `object.key`, or `object["key"]` when the key is no identifier. */
export function memberAccess(object: t.Expression, key: string): t.Expression {
  return isIdentifierName(key) ? t.member(object, key) : t.element(object, t.string(key));
}

/** `typeof namespace.key`, or `(typeof namespace)["key"]` when the key is no identifier. */
export function typeOfMember(namespace: string, key: string): t.TypeNode {
  if (isIdentifierName(key)) return t.typeQuery(t.qualifiedName(t.identifier(namespace), key));
  return t.indexedAccessType(t.typeQuery(namespace), t.literalType(t.string(key)));
}

export function typeReference(name: string, ...args: t.TypeNode[]): t.TypeReference {
  return t.typeReference(name, args);
}

export function arrayOf(element: t.TypeNode, readonly = false): t.TypeNode {
  const array = t.arrayType(element);
  return readonly ? t.typeOperator("readonly", array) : array;
}

/** `{ key: type; … }` */
export function typeLiteral(members: readonly (readonly [key: string, type: t.TypeNode])[]): t.TypeNode {
  return t.typeLiteral(members.map(([key, type]) => t.propertySignature(propertyName(key), type)));
}

/**
 * JSON-like plain data as an expression: objects, arrays, strings, finite numbers,
 * booleans and null. Only the outermost object is laid out one property per line;
 * the printer breaks the inner ones that do not fit on a line.
 */
export function dataLiteral(value: unknown, depth = 0): t.Expression {
  if (value === null) return t.nullLiteral();
  switch (typeof value) {
    case "string":
      return t.string(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`a plan holds only finite numbers, not ${value}`);
      return t.signedNumber(value);
    case "boolean":
      return t.boolean(value);
    case "object":
      if (Array.isArray(value)) return t.array(value.map((item: unknown) => dataLiteral(item, depth + 1)));
      return t.object(
        Object.entries(value as Record<string, unknown>)
          .filter(([, item]) => item !== undefined)
          .map(([key, item]) => t.property(propertyName(key), dataLiteral(item, depth + 1))),
        depth === 0,
      );
    default:
      throw new TypeError(`a plan holds only plain data, not a ${typeof value}`);
  }
}

/**
 * The type TypeScript gives `dataLiteral(value) as const`: readonly objects and tuples of
 * literal types, for a declaration file to state what the runner's `as const` data is.
 */
export function dataType(value: unknown): t.TypeNode {
  if (value === null) return t.literalType(t.nullLiteral());
  switch (typeof value) {
    case "string":
      return t.literalType(t.string(value));
    case "number": {
      if (!Number.isFinite(value)) throw new TypeError(`a plan holds only finite numbers, not ${value}`);
      const literal = t.signedNumber(value);
      return t.literalType(literal);
    }
    case "boolean":
      return t.literalType(t.boolean(value));
    case "object":
      if (Array.isArray(value))
        return t.typeOperator("readonly", t.tupleType(value.map((item: unknown) => dataType(item))));
      return t.typeLiteral(
        Object.entries(value as Record<string, unknown>)
          .filter(([, item]) => item !== undefined)
          .map(([key, item]) => t.propertySignature(propertyName(key), dataType(item), { readonly: true })),
      );
    default:
      throw new TypeError(`a plan holds only plain data, not a ${typeof value}`);
  }
}

/** Attaches a `/** … *\/` doc comment, one line per entry of `lines`. */
export function withDoc<T extends t.Statement>(node: T, lines: readonly string[]): T {
  return t.withComments(node, [{ kind: "jsdoc", lines }]);
}

/** Attaches `// line` comments before `node`. */
export function withLineComments<T extends t.Statement>(node: T, lines: readonly string[]): T {
  return t.withComments(
    node,
    lines.map((text) => ({ kind: "line", text })),
  );
}
