import fc from "fast-check";
import { ts } from "ts-morph";
import { describe, expect, it } from "vitest";
import { printModule } from "../../src/syntax/print.js";
import * as t from "../../src/syntax/tree.js";

/**
 * Random type and expression trees, printed, then parsed back by TypeScript: the parse
 * has no error and the same structure as the tree (parentheses aside), so a missing
 * parenthesis or a badly escaped string fails here.
 */

type Shape = string | number | boolean | null | readonly Shape[];

/** Names of variables and types; `default` and `new` only after `.` and as keys. */
const names = fc.constantFrom("a", "b", "Value", "$x", "_y", "café");
const memberNames = fc.oneof(names, fc.constantFrom("default", "new"));
const text = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: "binary", maxLength: 6 }),
  fc.constantFrom('"', "'", "\\", "\u2028", "\ud800"),
);
const magnitude = fc.oneof(
  fc.nat(1000),
  fc.double({ min: 0, max: 1e30, noNaN: true }),
  fc.constant(1e21),
  fc.constant(5e-7),
);

const key: fc.Arbitrary<t.PropertyKey> = fc.oneof(
  memberNames.map((name) => t.identifierName(name)),
  text.map((value) => t.string(value)),
  fc.constant(t.computed(t.string("__proto__"))),
);

const literal = fc.oneof(
  text.map((value) => t.string(value)),
  magnitude.map((value) => t.signedNumber(value)),
  fc.boolean().map((value) => t.boolean(value)),
  fc.constant(t.nullLiteral()),
);

const entity = fc
  .tuple(names, fc.array(memberNames, { maxLength: 2 }))
  .map(([first, rest]) =>
    rest.reduce<t.EntityName>((left, right) => t.qualifiedName(left, right), t.identifier(first)),
  );

const { type } = fc.letrec<{ type: t.TypeNode }>((tie) => {
  const child = tie("type");
  const few = fc.array(child, { minLength: 2, maxLength: 3 });
  return {
    type: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constantFrom(...(["unknown", "string", "void", "never", "object"] as const)).map((k) => t.keywordType(k)),
      literal.map((value) => t.literalType(value)),
      entity.map((name) => t.typeQuery(name)),
      fc.tuple(entity, fc.array(child, { maxLength: 2 })).map(([name, args]) => t.typeReference(name, args)),
      fc.tuple(child, child).map(([object, index]) => t.indexedAccessType(object, index)),
      fc
        .array(fc.tuple(key, child, fc.boolean(), fc.boolean()), { maxLength: 3 })
        .map((members) =>
          t.typeLiteral(members.map(([k, v, readonly, optional]) => t.propertySignature(k, v, { readonly, optional }))),
        ),
      few.map((types) => t.unionType(types)),
      few.map((types) => t.intersectionType(types)),
      fc
        .tuple(fc.array(child, { maxLength: 3 }), fc.array(child, { maxLength: 2 }))
        .map(([required, optional]) => t.tupleType([...required, ...optional.map((o) => t.optionalType(o))])),
      child.map((element) => t.arrayType(element)),
      fc
        .oneof(
          child.map((element) => t.arrayType(element)),
          fc.array(child, { maxLength: 2 }).map((e) => t.tupleType(e)),
        )
        .map((operand) => t.typeOperator("readonly", operand)),
      child.map((operand) => t.typeOperator("keyof", operand)),
      fc.tuple(child, child, child, child).map(([check, test, yes, no]) => t.conditionalType(check, test, yes, no)),
      fc
        .tuple(fc.array(child, { maxLength: 2 }), child, fc.option(child, { nil: undefined }))
        .map(([parameters, returned, constraint]) =>
          t.functionType(
            parameters.map((p, index) => t.parameter(`p${index}`, p)),
            returned,
            constraint === undefined ? [] : [t.typeParameter("T", constraint)],
          ),
        ),
    ),
  };
});

const { expression } = fc.letrec<{ expression: t.Expression }>((tie) => {
  const child = tie("expression");
  return {
    expression: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      names.map((name) => t.identifier(name)),
      literal,
      fc.constant(t.importMeta()),
      child.map((operand) => t.negate(operand)),
      fc
        .array(
          fc.oneof(
            fc.tuple(key, child).map(([k, v]) => t.property(k, v)),
            child.map((e) => t.spread(e)),
          ),
          { maxLength: 3 },
        )
        .map((members) => t.object(members)),
      fc.array(child, { maxLength: 3 }).map((elements) => t.array(elements)),
      fc
        .tuple(child, fc.array(child, { maxLength: 3 }), fc.array(type, { maxLength: 2 }))
        .map(([callee, args, typeArgs]) => t.call(callee, args, typeArgs)),
      fc.tuple(child, fc.array(child, { maxLength: 2 })).map(([callee, args]) => t.newExpression(callee, args)),
      child.map((operand) => t.awaitExpression(operand)),
      fc.tuple(child, type).map(([e, ty]) => t.as(e, ty)),
      child.map((e) => t.asConst(e)),
      fc.tuple(child, type).map(([e, ty]) => t.satisfies(e, ty)),
      fc.tuple(child, memberNames).map(([object, name]) => t.member(object, name)),
      fc.tuple(child, child).map(([object, index]) => t.element(object, index)),
    ),
  };
});

function keyShape(k: t.PropertyKey): Shape {
  return k.kind === "computed" ? ["computed", expressionShape(k.expression)] : expressionShape(k);
}

function entityShape(name: t.EntityName): string {
  return name.kind === "identifier" ? name.name : `${entityShape(name.left)}.${name.right.name}`;
}

function expressionShape(e: t.Expression): Shape {
  switch (e.kind) {
    case "identifier":
      return ["id", e.name];
    case "string":
      return ["string", e.value];
    case "number":
      return ["number", e.value];
    case "boolean":
      return ["boolean", e.value];
    case "null":
      return ["null"];
    case "negate":
      return ["negate", expressionShape(e.operand)];
    case "object":
      return [
        "object",
        ...e.members.map((m) =>
          m.kind === "spread"
            ? ["spread", expressionShape(m.expression)]
            : ["property", keyShape(m.key), expressionShape(m.value)],
        ),
      ];
    case "array":
      return ["array", ...e.elements.map(expressionShape)];
    case "call":
      return ["call", expressionShape(e.callee), e.typeArguments.map(typeShape), e.arguments.map(expressionShape)];
    case "new":
      return ["new", expressionShape(e.callee), e.arguments.map(expressionShape)];
    case "await":
      return ["await", expressionShape(e.expression)];
    case "as":
    case "satisfies":
      return [e.kind, expressionShape(e.expression), typeShape(e.type)];
    case "member":
      return ["member", expressionShape(e.object), e.name.name];
    case "element":
      return ["element", expressionShape(e.object), expressionShape(e.index)];
    case "importMeta":
      return ["importMeta"];
  }
}

function typeShape(type: t.TypeNode): Shape {
  switch (type.kind) {
    case "keywordType":
      return ["keyword", type.keyword];
    case "typeReference":
      return ["reference", entityShape(type.name), type.typeArguments.map(typeShape)];
    case "typeQuery":
      return ["typeof", entityShape(type.name)];
    case "indexedAccessType":
      return ["indexed", typeShape(type.object), typeShape(type.index)];
    case "literalType":
      return ["literal", expressionShape(type.literal)];
    case "typeLiteral":
      return ["typeLiteral", ...type.members.map((m) => [m.readonly, keyShape(m.key), m.optional, typeShape(m.type)])];
    case "unionType":
    case "intersectionType":
      return [type.kind, ...type.types.map(typeShape)];
    case "tupleType":
      return [
        "tuple",
        ...type.elements.map((e) => (e.kind === "optionalType" ? ["optional", typeShape(e.type)] : typeShape(e))),
      ];
    case "arrayType":
      return ["array", typeShape(type.element)];
    case "typeOperator":
      return [type.operator, typeShape(type.type)];
    case "conditionalType":
      return [
        "conditional",
        typeShape(type.check),
        typeShape(type.test),
        typeShape(type.whenTrue),
        typeShape(type.whenFalse),
      ];
    case "functionType":
      return [
        "function",
        type.typeParameters.map((p) => [p.name.name, p.constraint === undefined ? null : typeShape(p.constraint)]),
        type.parameters.map((p) => [p.name.name, p.type === undefined ? null : typeShape(p.type)]),
        typeShape(type.returnType),
      ];
  }
}

const KEYWORDS: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.UnknownKeyword]: "unknown",
  [ts.SyntaxKind.StringKeyword]: "string",
  [ts.SyntaxKind.VoidKeyword]: "void",
  [ts.SyntaxKind.NeverKeyword]: "never",
  [ts.SyntaxKind.ObjectKeyword]: "object",
};

function parsedKeyShape(name: ts.PropertyName): Shape {
  if (ts.isComputedPropertyName(name)) return ["computed", parsedExpression(name.expression)];
  return parsedExpression(name as ts.Expression);
}

function parsedExpression(node: ts.Expression): Shape {
  if (ts.isParenthesizedExpression(node)) return parsedExpression(node.expression);
  if (ts.isIdentifier(node)) return ["id", node.text];
  if (ts.isStringLiteral(node)) return ["string", node.text];
  if (ts.isNumericLiteral(node)) return ["number", Number(node.text)];
  if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) {
    return ["boolean", node.kind === ts.SyntaxKind.TrueKeyword];
  }
  if (node.kind === ts.SyntaxKind.NullKeyword) return ["null"];
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) {
    return ["negate", parsedExpression(node.operand)];
  }
  if (ts.isObjectLiteralExpression(node)) {
    return [
      "object",
      ...node.properties.map((p): Shape => {
        if (ts.isSpreadAssignment(p)) return ["spread", parsedExpression(p.expression)];
        if (ts.isPropertyAssignment(p)) return ["property", parsedKeyShape(p.name), parsedExpression(p.initializer)];
        return ["unexpected", ts.SyntaxKind[p.kind]];
      }),
    ];
  }
  if (ts.isArrayLiteralExpression(node)) return ["array", ...node.elements.map(parsedExpression)];
  if (ts.isCallExpression(node)) {
    return [
      "call",
      parsedExpression(node.expression),
      (node.typeArguments ?? []).map(parsedType),
      node.arguments.map(parsedExpression),
    ];
  }
  if (ts.isNewExpression(node)) {
    return ["new", parsedExpression(node.expression), (node.arguments ?? []).map(parsedExpression)];
  }
  if (ts.isAwaitExpression(node)) return ["await", parsedExpression(node.expression)];
  if (ts.isAsExpression(node)) return ["as", parsedExpression(node.expression), parsedType(node.type)];
  if (ts.isSatisfiesExpression(node)) return ["satisfies", parsedExpression(node.expression), parsedType(node.type)];
  if (ts.isPropertyAccessExpression(node)) return ["member", parsedExpression(node.expression), node.name.text];
  if (ts.isElementAccessExpression(node)) {
    return ["element", parsedExpression(node.expression), parsedExpression(node.argumentExpression)];
  }
  if (ts.isMetaProperty(node)) return ["importMeta"];
  return ["unexpected", ts.SyntaxKind[node.kind]];
}

function parsedEntity(name: ts.EntityName): string {
  return ts.isIdentifier(name) ? name.text : `${parsedEntity(name.left)}.${name.right.text}`;
}

function parsedType(node: ts.TypeNode): Shape {
  if (ts.isParenthesizedTypeNode(node)) return parsedType(node.type);
  const keyword = KEYWORDS[node.kind];
  if (keyword !== undefined) return ["keyword", keyword];
  if (ts.isTypeReferenceNode(node)) {
    return ["reference", parsedEntity(node.typeName), (node.typeArguments ?? []).map(parsedType)];
  }
  if (ts.isTypeQueryNode(node)) return ["typeof", parsedEntity(node.exprName)];
  if (ts.isIndexedAccessTypeNode(node)) return ["indexed", parsedType(node.objectType), parsedType(node.indexType)];
  if (ts.isLiteralTypeNode(node)) return ["literal", parsedExpression(node.literal as ts.Expression)];
  if (ts.isTypeLiteralNode(node)) {
    return [
      "typeLiteral",
      ...node.members.map((m): Shape => {
        if (!ts.isPropertySignature(m) || m.type === undefined) return ["unexpected", ts.SyntaxKind[m.kind]];
        const readonly = (m.modifiers ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ReadonlyKeyword);
        return [readonly, parsedKeyShape(m.name), m.questionToken !== undefined, parsedType(m.type)];
      }),
    ];
  }
  if (ts.isUnionTypeNode(node)) return ["unionType", ...node.types.map(parsedType)];
  if (ts.isIntersectionTypeNode(node)) return ["intersectionType", ...node.types.map(parsedType)];
  if (ts.isTupleTypeNode(node)) {
    return [
      "tuple",
      ...node.elements.map((e) => (ts.isOptionalTypeNode(e) ? ["optional", parsedType(e.type)] : parsedType(e))),
    ];
  }
  if (ts.isArrayTypeNode(node)) return ["array", parsedType(node.elementType)];
  if (ts.isTypeOperatorNode(node)) {
    return [node.operator === ts.SyntaxKind.KeyOfKeyword ? "keyof" : "readonly", parsedType(node.type)];
  }
  if (ts.isConditionalTypeNode(node)) {
    return [
      "conditional",
      parsedType(node.checkType),
      parsedType(node.extendsType),
      parsedType(node.trueType),
      parsedType(node.falseType),
    ];
  }
  if (ts.isFunctionTypeNode(node)) {
    return [
      "function",
      (node.typeParameters ?? []).map((p) => [
        p.name.text,
        p.constraint === undefined ? null : parsedType(p.constraint),
      ]),
      node.parameters.map((p) => [(p.name as ts.Identifier).text, p.type === undefined ? null : parsedType(p.type)]),
      parsedType(node.type),
    ];
  }
  return ["unexpected", ts.SyntaxKind[node.kind]];
}

function parse(code: string): ts.SourceFile {
  const file = ts.createSourceFile("printed.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const diagnostics = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  expect(
    diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")),
    code,
  ).toEqual([]);
  return file;
}

describe("printed trees parse back to themselves", () => {
  it("types", () => {
    fc.assert(
      fc.property(type, (tree) => {
        const code = printModule([t.typeAlias("Printed", tree)]);
        const alias = parse(code).statements[0];
        if (alias === undefined || !ts.isTypeAliasDeclaration(alias)) throw new Error(`not a type alias: ${code}`);
        expect(parsedType(alias.type), code).toEqual(typeShape(tree));
      }),
      { numRuns: 400 },
    );
  });

  it("expressions", () => {
    fc.assert(
      fc.property(expression, (tree) => {
        // In an async function, where `await` is an operator.
        const code = printModule([t.functionDeclaration("f", [], [t.returnStatement(tree)], { async: true })]);
        const fn = parse(code).statements[0];
        const returned = fn !== undefined && ts.isFunctionDeclaration(fn) ? fn.body?.statements[0] : undefined;
        if (returned === undefined || !ts.isReturnStatement(returned) || returned.expression === undefined) {
          throw new Error(`no return statement: ${code}`);
        }
        expect(parsedExpression(returned.expression), code).toEqual(expressionShape(tree));
      }),
      { numRuns: 400 },
    );
  });
});
