/**
 * Layouts the printer shares between expressions, types and statements, built with
 * Prettier's document builders as Prettier's own TypeScript printer builds them, so
 * that generated code reads the way Prettier lays out code (see print.ts).
 */
import { builders, utils, type Doc } from "./doc.js";
import { numericLiteralText, stringLiteralText } from "./literals.js";
import type { Expression, PropertyKey, TypeNode, TypeParameter } from "./nodes.js";

const { group, indent, ifBreak, line, softline, join, indentIfBreak, lineSuffixBoundary } = builders;

export function propertyKeyDoc(key: PropertyKey): string {
  switch (key.kind) {
    case "identifier":
      return key.name;
    case "string":
      return stringLiteralText(key.value);
    case "computed":
      return `[${stringLiteralText(key.expression.value)}]`;
  }
}

/** A literal's text: strings, numbers, `true`, `null`; `undefined` for other expressions. */
export function literalText(node: Expression): string | undefined {
  switch (node.kind) {
    case "string":
      return stringLiteralText(node.value);
    case "number":
      return numericLiteralText(node.value);
    case "boolean":
      return String(node.value);
    case "null":
      return "null";
    default:
      return undefined;
  }
}

/** `<A, B>` of a type reference or a call: kept on one line when it is one simple type. */
export function typeArgumentsDoc(args: readonly TypeNode[], print: (type: TypeNode) => Doc): Doc {
  if (args.length === 0) return "";
  const only = args.length === 1 ? args[0] : undefined;
  if (only !== undefined && huggable(only)) return ["<", print(only), ">"];
  return group(["<", indent([softline, join([",", line], args.map(print))]), softline, ">"]);
}

/** A keyword, a reference without arguments, a type literal: Prettier's types that hug their brackets. */
function huggable(type: TypeNode): boolean {
  return (
    type.kind === "keywordType" ||
    type.kind === "typeLiteral" ||
    (type.kind === "typeReference" && type.typeArguments.length === 0)
  );
}

export function typeParametersDoc(parameters: readonly TypeParameter[], print: (type: TypeNode) => Doc): Doc {
  if (parameters.length === 0) return "";
  const printed = parameters.map((parameter) => {
    if (parameter.constraint === undefined) return parameter.name.name;
    const id = Symbol("constraint");
    return group([
      parameter.name.name,
      " extends",
      group(indent(line), { id }),
      lineSuffixBoundary,
      indentIfBreak(print(parameter.constraint), { groupId: id }),
    ]);
  });
  return group(["<", indent([softline, join([",", line], printed)]), ifBreak(","), softline, ">"]);
}

/**
 * How `left = right` (and `key: value`) breaks, as Prettier chooses (its
 * `chooseLayout`): after the operator first for strings and member chains, never for
 * short keys and literals, otherwise the right side first ("fluid").
 */
export type AssignmentLayout = "break-after-operator" | "never-break-after-operator" | "fluid" | "break-lhs";

export function assignmentDoc(left: Doc, operator: string, right: Doc, layout: AssignmentLayout): Doc {
  switch (layout) {
    case "break-after-operator":
      return group([group(left), operator, group(indent([line, right]))]);
    case "never-break-after-operator":
      return group([group(left), operator, " ", right]);
    case "break-lhs":
      return group([left, operator, " ", group(right)]);
    case "fluid": {
      const id = Symbol("assignment");
      return group([
        group(left),
        operator,
        group(indent(line), { id }),
        lineSuffixBoundary,
        indentIfBreak(right, { groupId: id }),
      ]);
    }
  }
}

/** Prettier's choice for an expression on the right of `=` or of an object key. */
export function expressionLayout(
  right: Expression,
  left: Doc,
  options: { readonly shortKey: boolean },
): AssignmentLayout {
  if (!options.shortKey) {
    let inner = right;
    while (inner.kind === "await" || inner.kind === "negate")
      inner = inner.kind === "await" ? inner.expression : inner.operand;
    if (inner.kind === "string" || isPoorlyBreakableChain(inner, false)) return "break-after-operator";
  }
  const literal = right.kind === "boolean" || right.kind === "number";
  if (!utils.canBreak(left) && (options.shortKey || literal)) return "never-break-after-operator";
  return "fluid";
}

/** `a.b.c`, `a.b()`, `f(x)`: a chain of names and calls with at most one short argument each. */
function isPoorlyBreakableChain(node: Expression, deep: boolean): boolean {
  switch (node.kind) {
    case "call": {
      const [first, ...rest] = node.arguments;
      const poor = first === undefined || (rest.length === 0 && isLoneShortArgument(first));
      if (!poor || node.typeArguments.length > 1) return false;
      const [typeArgument] = node.typeArguments;
      if (typeArgument !== undefined && complexTypeArgument(typeArgument)) return false;
      return isPoorlyBreakableChain(node.callee, true);
    }
    case "member":
    case "element":
      return isPoorlyBreakableChain(node.object, true);
    case "identifier":
      return deep;
    default:
      return false;
  }
}

function complexTypeArgument(type: TypeNode): boolean {
  return type.kind === "unionType" || type.kind === "intersectionType" || type.kind === "typeLiteral";
}

/** A quarter of the line: Prettier's bound for an argument that keeps its call on one line. */
const SHORT = 25;

function isLoneShortArgument(node: Expression): boolean {
  switch (node.kind) {
    case "identifier":
      return node.name.length <= SHORT;
    case "negate":
      return isLoneShortArgument(node.operand);
    case "string":
      return stringLiteralText(node.value).length <= SHORT;
    case "number":
    case "boolean":
    case "null":
      return true;
    default:
      return false;
  }
}
