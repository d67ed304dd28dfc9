/**
 * Small builders over the TypeScript factory for the emitter. Every text that
 * comes from the user becomes a string-literal node or, only when it is a
 * valid identifier, an identifier node; the printer escapes the rest. No code
 * is ever assembled from strings.
 */
import { ts } from "ts-morph";

const { factory } = ts;

/** Whether `name` can be written as a bare property name (`a.name`, `{ name: … }`). */
export function isIdentifierName(name: string): boolean {
  if (name.length === 0) return false;
  let index = 0;
  for (const char of name) {
    const code = char.codePointAt(0) ?? 0;
    const valid =
      index === 0
        ? ts.isIdentifierStart(code, ts.ScriptTarget.ES2022)
        : ts.isIdentifierPart(code, ts.ScriptTarget.ES2022);
    if (!valid) return false;
    index++;
  }
  return true;
}

/**
 * A property name for `key` in an object literal or type literal: bare when it is an
 * identifier, quoted otherwise. `__proto__` is written as a computed name, because
 * as a plain name it would set the object's prototype instead of a property.
 */
export function propertyName(key: string): ts.PropertyName {
  if (key === "__proto__") return factory.createComputedPropertyName(factory.createStringLiteral(key));
  return isIdentifierName(key) ? factory.createIdentifier(key) : factory.createStringLiteral(key);
}

/** `object.key`, or `object["key"]` when the key is no identifier. */
export function memberAccess(object: ts.Expression, key: string): ts.Expression {
  return isIdentifierName(key)
    ? factory.createPropertyAccessExpression(object, factory.createIdentifier(key))
    : factory.createElementAccessExpression(object, factory.createStringLiteral(key));
}

/** `typeof namespace.key`, or `(typeof namespace)["key"]` when the key is no identifier. */
export function typeOfMember(namespace: string, key: string): ts.TypeNode {
  if (isIdentifierName(key)) {
    return factory.createTypeQueryNode(factory.createQualifiedName(factory.createIdentifier(namespace), key));
  }
  return factory.createIndexedAccessTypeNode(
    factory.createTypeQueryNode(factory.createIdentifier(namespace)),
    factory.createLiteralTypeNode(factory.createStringLiteral(key)),
  );
}

export function typeReference(name: string, ...args: ts.TypeNode[]): ts.TypeReferenceNode {
  return factory.createTypeReferenceNode(name, args.length === 0 ? undefined : args);
}

export function arrayOf(element: ts.TypeNode, readonly = false): ts.TypeNode {
  const array = factory.createArrayTypeNode(element);
  return readonly ? factory.createTypeOperatorNode(ts.SyntaxKind.ReadonlyKeyword, array) : array;
}

/** `{ key: type; … }` */
export function typeLiteral(members: readonly (readonly [key: string, type: ts.TypeNode])[]): ts.TypeNode {
  const literal = factory.createTypeLiteralNode(
    members.map(([key, type]) => factory.createPropertySignature(undefined, propertyName(key), undefined, type)),
  );
  // On one line, the formatter breaks it only where it does not fit.
  return ts.setEmitFlags(literal, ts.EmitFlags.SingleLine);
}

/**
 * JSON-like plain data as an expression: objects, arrays, strings, finite numbers,
 * booleans and null. Only the outermost object is laid out one property per line;
 * the formatter breaks the inner ones that do not fit on a line.
 */
export function dataLiteral(value: unknown, depth = 0): ts.Expression {
  if (value === null) return factory.createNull();
  switch (typeof value) {
    case "string":
      return factory.createStringLiteral(value);
    case "number": {
      if (!Number.isFinite(value)) throw new TypeError(`a plan holds only finite numbers, not ${value}`);
      const literal = factory.createNumericLiteral(Math.abs(value));
      return value < 0 || Object.is(value, -0)
        ? factory.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, literal)
        : literal;
    }
    case "boolean":
      return value ? factory.createTrue() : factory.createFalse();
    case "object":
      if (Array.isArray(value)) {
        return factory.createArrayLiteralExpression(
          value.map((item: unknown) => dataLiteral(item, depth + 1)),
          false,
        );
      }
      return factory.createObjectLiteralExpression(
        Object.entries(value as Record<string, unknown>)
          .filter(([, item]) => item !== undefined)
          .map(([key, item]) => factory.createPropertyAssignment(propertyName(key), dataLiteral(item, depth + 1))),
        depth === 0,
      );
    default:
      throw new TypeError(`a plan holds only plain data, not a ${typeof value}`);
  }
}

/** Text that cannot end the comment it is put in: no line break, no `*\/`. */
export function commentSafe(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\*\//g, "*\\/");
}

/** Attaches a `/** … *\/` doc comment, one line per entry of `lines`. */
export function withDoc<T extends ts.Node>(node: T, lines: readonly string[]): T {
  const text =
    lines.length === 1
      ? `* ${commentSafe(lines[0] ?? "")} `
      : `*\n${lines.map((line) => ` * ${commentSafe(line)}`.trimEnd()).join("\n")}\n `;
  return ts.addSyntheticLeadingComment(node, ts.SyntaxKind.MultiLineCommentTrivia, text, true);
}

/** Attaches `// line` comments before `node`. */
export function withLineComments<T extends ts.Node>(node: T, lines: readonly string[]): T {
  for (const line of lines) {
    ts.addSyntheticLeadingComment(node, ts.SyntaxKind.SingleLineCommentTrivia, ` ${commentSafe(line)}`, true);
  }
  return node;
}
