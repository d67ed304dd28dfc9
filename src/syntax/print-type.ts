/** Types as documents, laid out as Prettier lays out TypeScript's types. */
import { builders, type Doc } from "./doc.js";
import { literalText, propertyKeyDoc, typeArgumentsDoc, typeParametersDoc } from "./layout.js";
import { typeNeedsParentheses, type TypePlace } from "./parentheses.js";
import type { EntityName, Parameter, PropertySignature, TypeNode } from "./nodes.js";
import { printExpression } from "./print-expression.js";

const { group, indent, ifBreak, line, softline, join } = builders;

export function printType(node: TypeNode, place: TypePlace = "any"): Doc {
  const doc = typeDoc(node);
  return typeNeedsParentheses(node, place) ? ["(", doc, ")"] : doc;
}

const anyType = (node: TypeNode): Doc => printType(node);

export function entityNameText(name: EntityName): string {
  return name.kind === "identifier" ? name.name : `${entityNameText(name.left)}.${name.right.name}`;
}

function typeDoc(node: TypeNode): Doc {
  switch (node.kind) {
    case "keywordType":
      return node.keyword;
    case "typeReference":
      return [entityNameText(node.name), typeArgumentsDoc(node.typeArguments, anyType)];
    case "typeQuery":
      return ["typeof ", entityNameText(node.name)];
    case "indexedAccessType":
      return [printType(node.object, "postfix"), "[", printType(node.index), "]"];
    case "literalType":
      return literalText(node.literal) ?? printExpression(node.literal);
    case "typeLiteral":
      return typeLiteralDoc(node.members);
    case "unionType":
      return group(
        indent([
          softline,
          ifBreak("| "),
          join(
            [line, "| "],
            node.types.map((t) => printType(t, "union")),
          ),
        ]),
      );
    case "intersectionType":
      return intersectionDoc(node.types);
    case "tupleType": {
      if (node.elements.length === 0) return "[]";
      const elements = node.elements.map((element) =>
        group(element.kind === "optionalType" ? [printType(element.type, "postfix"), "?"] : printType(element)),
      );
      return group(["[", indent([softline, join([",", line], elements)]), ifBreak(","), softline, "]"]);
    }
    case "arrayType":
      return [printType(node.element, "postfix"), "[]"];
    case "typeOperator":
      return [node.operator, " ", printType(node.type, "operand")];
    case "conditionalType":
      return group([
        printType(node.check, "check"),
        " extends ",
        printType(node.test, "extends"),
        indent([line, "? ", printType(node.whenTrue), line, ": ", printType(node.whenFalse)]),
      ]);
    case "functionType":
      return group([
        typeParametersDoc(node.typeParameters, anyType),
        group(parametersDoc(node.parameters)),
        " => ",
        printType(node.returnType),
      ]);
  }
}

/** `{ a: A; readonly b?: B }`, broken one member a line when it does not fit. */
function typeLiteralDoc(members: readonly PropertySignature[]): Doc {
  if (members.length === 0) return "{}";
  const printed = members.map((member) =>
    group([
      member.readonly ? "readonly " : "",
      propertyKeyDoc(member.key),
      member.optional ? "?" : "",
      ": ",
      printType(member.type),
    ]),
  );
  return group(["{", indent([line, join([";", line], printed)]), ifBreak(";"), line, "}"]);
}

/** Prettier's intersection: `A & B` breaks after each `&`, and hugs type literals. */
function intersectionDoc(types: readonly TypeNode[]): Doc {
  let wasIndented = false;
  return group(
    types.map((type, index) => {
      const doc = printType(type, "intersection");
      if (index === 0) return doc;
      const isObject = type.kind === "typeLiteral";
      const previousIsObject = types[index - 1]?.kind === "typeLiteral";
      if (previousIsObject && isObject) return [" & ", wasIndented ? indent(doc) : doc];
      if (!previousIsObject && !isObject) return indent([" &", line, doc]);
      if (index > 1) wasIndented = true;
      return [" & ", index > 1 ? indent(doc) : doc];
    }),
  );
}

/** `(a: A, b: B = value)`, broken one parameter a line when they do not fit. */
export function parametersDoc(parameters: readonly Parameter[]): Doc {
  if (parameters.length === 0) return "()";
  const printed = parameters.map((parameter) => [
    parameter.name.name,
    parameter.optional ? "?" : "",
    parameter.type === undefined ? "" : [": ", printType(parameter.type)],
    parameter.initializer === undefined ? "" : [" = ", printExpression(parameter.initializer)],
  ]);
  return ["(", indent([softline, join([",", line], printed)]), ifBreak(","), softline, ")"];
}
