/** Expressions as documents, laid out as Prettier lays out TypeScript's expressions. */
import { builders, utils, type Doc } from "./doc.js";
import { assignmentDoc, expressionLayout, literalText, propertyKeyDoc, typeArgumentsDoc } from "./layout.js";
import { expressionNeedsParentheses, type ExpressionPlace } from "./parentheses.js";
import { printType } from "./print-type.js";
import type { ArrayLiteral, Call, Expression, ObjectLiteral, TypeNode } from "./nodes.js";

const { group, indent, ifBreak, line, softline, join, fill, breakParent, conditionalGroup } = builders;

/** What holds an expression, where that changes its layout: `new` (its arguments), a member access (its object). */
type Holder = "new" | "member" | "other";

const anyType = (type: TypeNode): Doc => printType(type);

export function printExpression(node: Expression, place: ExpressionPlace = "any", holder: Holder = "other"): Doc {
  const doc = expressionDoc(node, place, holder);
  return expressionNeedsParentheses(node, place) ? ["(", doc, ")"] : doc;
}

function expressionDoc(node: Expression, place: ExpressionPlace, holder: Holder): Doc {
  switch (node.kind) {
    case "identifier":
      return node.name;
    case "string":
    case "number":
    case "boolean":
    case "null":
      return literalText(node) ?? "";
    case "importMeta":
      return "import.meta";
    case "negate":
      return ["-", printExpression(node.operand, "operand")];
    case "await":
      return ["await ", printExpression(node.expression, "operand")];
    case "as":
    case "satisfies": {
      const parts = [printExpression(node.expression), ` ${node.kind} `, printType(node.type)];
      return place === "callee" || place === "object" ? group([indent([softline, ...parts]), softline]) : parts;
    }
    case "object":
      return objectDoc(node);
    case "array":
      return arrayDoc(node);
    case "new":
      return ["new ", printExpression(node.callee, "newCallee"), argumentsDoc(node.arguments, "new")];
    case "call":
      return callDoc(node);
    case "member": {
      const lookup = [".", node.name.name];
      const inline = holder === "new" || (node.object.kind === "identifier" && holder !== "member");
      const object = printExpression(node.object, "object", "member");
      return inline ? [object, lookup] : [object, group(indent([softline, lookup]))];
    }
    case "element":
      return [printExpression(node.object, "object", "member"), lookupDoc(node.index)];
  }
}

function lookupDoc(index: Expression): Doc {
  const literal = literalText(index);
  if (literal !== undefined) return ["[", literal, "]"];
  return group(["[", indent([softline, printExpression(index)]), softline, "]"]);
}

/**
 * `callee<T>(args)`. A call on a member (`m0.load(x)`) is printed as Prettier prints a
 * short member chain: the whole chain in one group.
 */
function callDoc(node: Call): Doc {
  return node.pure === true ? ["/* @__PURE__ */ ", plainCallDoc(node)] : plainCallDoc(node);
}

function plainCallDoc(node: Call): Doc {
  const typeArguments = typeArgumentsDoc(node.typeArguments, anyType);
  const args = argumentsDoc(node.arguments, "call");
  const callee = node.callee;
  const [only, ...more] = node.arguments;
  if (isImportMetaResolve(callee) && only?.kind === "string" && more.length === 0) {
    // Kept whole, as `require("…")` is: the break goes before `.resolve`.
    return [printExpression(callee, "callee"), typeArguments, "(", literalText(only) ?? "", ")"];
  }
  if (callee.kind === "member" || callee.kind === "element") {
    return group([chainDoc(callee), typeArguments, args]);
  }
  const parts = [printExpression(callee, "callee"), typeArguments, args];
  return callee.kind === "call" ? group(parts) : parts;
}

function isImportMetaResolve(node: Expression): boolean {
  return node.kind === "member" && node.object.kind === "importMeta" && node.name.name === "resolve";
}

/** A member chain flat: `a.b["c"]` with the lookups in a row. */
function chainDoc(node: Expression): Doc {
  switch (node.kind) {
    case "member":
      return [chainDoc(node.object), ".", node.name.name];
    case "element":
      return [chainDoc(node.object), lookupDoc(node.index)];
    case "call":
      if (node.callee.kind === "member" || node.callee.kind === "element") {
        return [
          chainDoc(node.callee),
          typeArgumentsDoc(node.typeArguments, anyType),
          argumentsDoc(node.arguments, "call"),
        ];
      }
      return printExpression(node, "object");
    default:
      return printExpression(node, "object");
  }
}

/**
 * `(a, b, { … })`: the last argument, when an object or an array, is laid out first
 * (`f(a, {` … `})`) before every argument gets a line of its own, as Prettier does.
 */
function argumentsDoc(args: readonly Expression[], holder: "call" | "new"): Doc {
  if (args.length === 0) return "()";
  const argumentHolder = holder === "new" ? "new" : "other";
  const printed = args.map((arg, index) => {
    const doc = printExpression(arg, "any", argumentHolder);
    return index === args.length - 1 ? doc : [doc, ",", line];
  });
  const allBrokenOut = () => group(["(", indent([line, ...printed]), ",", line, ")"], { shouldBreak: true });
  if (shouldExpandLast(args)) {
    const head = printed.slice(0, -1);
    if (head.some(utils.willBreak)) return allBrokenOut();
    const last = printed.at(-1) ?? "";
    if (utils.willBreak(last)) {
      return [breakParent, conditionalGroup([["(", ...head, group(last, { shouldBreak: true }), ")"], allBrokenOut()])];
    }
    return conditionalGroup([
      ["(", ...head, last, ")"],
      ["(", ...head, group(last, { shouldBreak: true }), ")"],
      allBrokenOut(),
    ]);
  }
  return group(["(", indent([softline, ...printed]), ifBreak(","), softline, ")"], {
    shouldBreak: printed.some(utils.willBreak),
  });
}

function shouldExpandLast(args: readonly Expression[]): boolean {
  const last = args.at(-1);
  const penultimate = args.at(-2);
  if (last === undefined || !couldExpand(last)) return false;
  if (penultimate !== undefined && penultimate.kind === last.kind) return false;
  return !(args.length > 1 && last.kind === "array" && isNumberArray(last));
}

function couldExpand(node: Expression): boolean {
  if (node.kind === "object") return node.members.length > 0;
  if (node.kind === "array") return node.elements.length > 0;
  if (node.kind === "as" || node.kind === "satisfies") return couldExpand(node.expression);
  return false;
}

function isNumberArray(node: ArrayLiteral): boolean {
  return (
    node.elements.length > 0 &&
    node.elements.every((e) => e.kind === "number" || (e.kind === "negate" && e.operand.kind === "number"))
  );
}

/** Keys narrower than this keep their value on their line (Prettier: tab width + 3). */
const SHORT_KEY = 5;

function objectDoc(node: ObjectLiteral): Doc {
  if (node.members.length === 0) return "{}";
  const members = node.members.map((member) => {
    if (member.kind === "spread") return group(["...", printExpression(member.expression)]);
    const key = propertyKeyDoc(member.key);
    const layout = expressionLayout(member.value, key, { shortKey: key.length < SHORT_KEY });
    return group(assignmentDoc(key, ":", printExpression(member.value), layout));
  });
  return group(["{", indent([line, join([",", line], members)]), ifBreak(","), line, "}"], {
    shouldBreak: node.multiLine,
  });
}

/**
 * `[a, b]`; an array of several objects (or arrays) of more than one entry each takes a
 * line per element, and an array of numbers fills its lines.
 */
function arrayDoc(node: ArrayLiteral): Doc {
  const elements = node.elements;
  if (elements.length === 0) return "[]";
  const first = elements[0]!;
  const shouldBreak =
    elements.length > 1 &&
    (first.kind === "object" || first.kind === "array") &&
    elements.every(
      (e) =>
        e.kind === first.kind &&
        (e.kind === "object" ? e.members.length > 1 : e.kind === "array" && e.elements.length > 1),
    );
  if (isNumberArray(node)) {
    const id = Symbol("array");
    const parts = elements.flatMap((e, index) =>
      index === elements.length - 1
        ? [[printExpression(e), ifBreak(",", "", { groupId: id })]]
        : [[printExpression(e), ","], line],
    );
    return group(["[", indent([softline, fill(parts)]), softline, "]"], { shouldBreak, id });
  }
  const printed = elements.map((e) => group(printExpression(e)));
  return group(["[", indent([softline, join([",", line], printed)]), ifBreak(","), softline, "]"], { shouldBreak });
}
