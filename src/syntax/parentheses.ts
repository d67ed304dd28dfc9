/**
 * Where TypeScript's grammar needs parentheses around a node of the tree: a tree holds
 * none, and the printer asks here, for each node, about the place it is printed in.
 */
import type { Expression, TypeNode } from "./nodes.js";

/**
 * The places that constrain an expression: the object of `a.b`/`a["b"]` and the
 * callee of a call (a member or call expression, or a primary one); the callee of
 * `new` (the same, without a call or `import.meta` in it); the operand of `-` or `await`.
 */
export type ExpressionPlace = "object" | "callee" | "newCallee" | "operand" | "any";

export function expressionNeedsParentheses(node: Expression, place: ExpressionPlace): boolean {
  switch (place) {
    case "any":
      return false;
    case "operand":
      // `- -1`, not `--1`; `-(x as T)`.
      return node.kind === "as" || node.kind === "satisfies" || node.kind === "negate";
    case "object":
    case "callee":
      // `(1).x`: a digit's `.` would be read as a decimal point.
      return !isLeftHandSide(node) || node.kind === "number";
    case "newCallee":
      return !isLeftHandSide(node) || node.kind === "number" || callOrImportIn(node);
  }
}

function isLeftHandSide(node: Expression): boolean {
  return node.kind !== "negate" && node.kind !== "await" && node.kind !== "as" && node.kind !== "satisfies";
}

/**
 * `new (a().b)()`: a call in the callee of `new` would take `new`'s arguments; and
 * TypeScript reads no `import.meta` right after `new`.
 */
function callOrImportIn(node: Expression): boolean {
  if (node.kind === "call" || node.kind === "importMeta") return true;
  if (node.kind === "member" || node.kind === "element") return callOrImportIn(node.object);
  return false;
}

/**
 * The places that constrain a type: an element of a union or an intersection; the
 * operand of `keyof`/`readonly`; the element of `T[]` or `T?` and the object of
 * `T[K]` ("postfix"); the check type and the extends type of a conditional type.
 */
export type TypePlace = "union" | "intersection" | "operand" | "postfix" | "check" | "extends" | "any";

export function typeNeedsParentheses(node: TypeNode, place: TypePlace): boolean {
  const kind = node.kind;
  const loose = kind === "functionType" || kind === "conditionalType";
  switch (place) {
    case "any":
      return false;
    case "check":
    // A function type after `extends` would take the conditional's `?` for its own
    // return type's (`A extends () => B ? X : Y`): parenthesized, it cannot.
    case "extends":
      return loose;
    case "union":
      return loose || kind === "unionType";
    case "intersection":
    case "operand":
      return loose || kind === "unionType" || kind === "intersectionType";
    case "postfix":
      // `(typeof m0)["a-b"]`, `(keyof T)[]`
      return (
        loose || kind === "unionType" || kind === "intersectionType" || kind === "typeOperator" || kind === "typeQuery"
      );
  }
}
