/**
 * The pieces of the probe file that are not about one plan: the runtime's own types,
 * imported from stdlib/api.ts (so the probe judges methods by exactly the `RunContext`,
 * `MethodInput` and `MethodOutput` the generated runner is written against), and the few
 * helpers of the probe's own, built as syntax trees.
 */
import { fileURLToPath } from "node:url";
import { ts } from "ts-morph";
import { isIdentifierName } from "../syntax/identifiers.js";

const { factory } = ts;

/** A property name for `key`: bare when it is an identifier, quoted otherwise; `__proto__` computed. */
export function propertyName(key: string): ts.PropertyName {
  if (key === "__proto__") return factory.createComputedPropertyName(factory.createStringLiteral(key));
  return isIdentifierName(key) ? factory.createIdentifier(key) : factory.createStringLiteral(key);
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
  return ts.setEmitFlags(literal, ts.EmitFlags.SingleLine);
}

/** Prefix of every name the probe file declares; nothing a user writes is declared there. */
export const PREFIX = "__flowc_";

/**
 * The runtime's public types (stdlib/api.ts) by absolute path, as the running flowc has them:
 * `.js`, which TypeScript reads as the `.d.ts` beside the built file, or the `.ts` source.
 */
export const runtimeTypesPath = fileURLToPath(new URL("../../stdlib/api.js", import.meta.url))
  .split("\\")
  .join("/");

/** The runtime's types the probe uses, each under the probe's name for it. */
const imported = {
  AnyMethod: `${PREFIX}Method`,
  Item: `${PREFIX}RuntimeItem`,
  MethodInput: `${PREFIX}RuntimeInput`,
  MethodOutput: `${PREFIX}RuntimeOutput`,
  RunContext: `${PREFIX}RunContext`,
} as const;

/**
 * The names the probe's questions use. The types a message may print are local aliases
 * of the runtime's (`type Output<F> = MethodOutput<F>`): TypeScript prints an alias
 * declared in another file by its name (`MethodOutput<() => boolean>`), and a local one
 * by what it stands for (`boolean`).
 */
export const runtime = {
  AnyMethod: imported.AnyMethod,
  RunContext: imported.RunContext,
  Item: `${PREFIX}Item`,
  MethodInput: `${PREFIX}Input`,
  MethodOutput: `${PREFIX}Output`,
} as const;

export const keyword = {
  unknown: () => factory.createKeywordTypeNode(ts.SyntaxKind.UnknownKeyword),
  object: () => factory.createKeywordTypeNode(ts.SyntaxKind.ObjectKeyword),
};

/** `typeof name` */
export function typeOf(name: string): ts.TypeNode {
  return factory.createTypeQueryNode(factory.createIdentifier(name));
}

/** `Parameters<F>[index]` */
function parameter(f: ts.TypeNode, index: number): ts.TypeNode {
  return factory.createIndexedAccessTypeNode(
    typeReference("Parameters", f),
    factory.createLiteralTypeNode(factory.createNumericLiteral(index)),
  );
}

/** `check extends test ? then : otherwise` */
function conditional(check: ts.TypeNode, test: ts.TypeNode, then: ts.TypeNode, otherwise: ts.TypeNode): ts.TypeNode {
  return factory.createConditionalTypeNode(check, test, then, otherwise);
}

/** `(a & b)` */
export function both(a: ts.TypeNode, b: ts.TypeNode): ts.TypeNode {
  return factory.createParenthesizedType(factory.createIntersectionTypeNode([a, b]));
}

function typeAlias(name: string, parameters: readonly ts.TypeParameterDeclaration[], type: ts.TypeNode): ts.Statement {
  return factory.createTypeAliasDeclaration(undefined, name, parameters, type);
}

function typeParameter(name: string, constraint?: ts.TypeNode): ts.TypeParameterDeclaration {
  return factory.createTypeParameterDeclaration(undefined, name, constraint);
}

/** `declare const name: type;` */
export function declareConst(name: string, type: ts.TypeNode): ts.Statement {
  return factory.createVariableStatement(
    [factory.createModifier(ts.SyntaxKind.DeclareKeyword)],
    factory.createVariableDeclarationList(
      [factory.createVariableDeclaration(name, undefined, type)],
      ts.NodeFlags.Const,
    ),
  );
}

/**
 * `function name() { statements }`: a question with a value in it is asked in a function
 * of its own. TypeScript follows a reference back through the flow of its container, past
 * every assignment before it; at the top level, where there are thousands of questions, that
 * is quadratic, in a function of one statement it is one step.
 */
export function askedApart(name: string, statements: readonly ts.Statement[]): ts.Statement {
  return factory.createFunctionDeclaration(
    undefined,
    undefined,
    name,
    undefined,
    [],
    undefined,
    factory.createBlock([...statements], true),
  );
}

/** `return value;` */
export function returned(value: ts.Expression): ts.Statement {
  return factory.createReturnStatement(value);
}

/** `const name: type = value;`, or `const name = value;` without a type. */
export function constant(name: string, type: ts.TypeNode | undefined, value: ts.Expression): ts.Statement {
  return factory.createVariableStatement(
    undefined,
    factory.createVariableDeclarationList(
      [factory.createVariableDeclaration(name, undefined, type, value)],
      ts.NodeFlags.Const,
    ),
  );
}

/**
 * The probe's helpers, after the runtime's types:
 * - `Target<F>`: what a method accepts from its predecessors: its input, or `unknown`
 *   for a method without input, which ignores it;
 * - `Context<F>`: its second parameter, or the run context itself when it has none;
 * - `runContext`: a run context to pass;
 * - `AnyItems`: what a parallel method may receive at all (an array, or an iterable or
 *   async iterable object: the runtime streams those, never a string's characters);
 * - `Items<I, T>`: the items of `T` that fit an incoming `I`, judged as an array when
 *   `I` is one, so that TypeScript's explanations read as they would for one.
 */
export function preamble(): ts.Statement[] {
  const F = typeReference("F");
  const method = () => [typeParameter("F", typeReference(runtime.AnyMethod))];
  const emptyTuple = factory.createTupleTypeNode([]);
  const atMostOne = factory.createTypeOperatorNode(
    ts.SyntaxKind.ReadonlyKeyword,
    factory.createTupleTypeNode([factory.createOptionalTypeNode(keyword.unknown())]),
  );
  const iterable = (name: string, element: ts.TypeNode) => both(typeReference(name, element), keyword.object());
  const I = typeReference("I");
  const T = typeReference("T");
  return [
    factory.createImportDeclaration(
      undefined,
      factory.createImportClause(
        true,
        undefined,
        factory.createNamedImports(
          Object.entries(imported).map(([exported, local]) =>
            factory.createImportSpecifier(false, factory.createIdentifier(exported), factory.createIdentifier(local)),
          ),
        ),
      ),
      factory.createStringLiteral(runtimeTypesPath),
    ),
    typeAlias(runtime.MethodInput, method(), typeReference(imported.MethodInput, F)),
    typeAlias(runtime.MethodOutput, method(), typeReference(imported.MethodOutput, F)),
    typeAlias(runtime.Item, [typeParameter("I")], typeReference(imported.Item, typeReference("I"))),
    typeAlias(
      `${PREFIX}Target`,
      method(),
      conditional(typeReference("Parameters", F), emptyTuple, keyword.unknown(), parameter(F, 0)),
    ),
    typeAlias(
      `${PREFIX}Context`,
      method(),
      conditional(typeReference("Parameters", F), atMostOne, typeReference(runtime.RunContext), parameter(F, 1)),
    ),
    declareConst(`${PREFIX}runContext`, typeReference(runtime.RunContext)),
    typeAlias(
      `${PREFIX}AnyItems`,
      [],
      factory.createUnionTypeNode([
        arrayOf(keyword.unknown(), true),
        iterable("Iterable", keyword.unknown()),
        iterable("AsyncIterable", keyword.unknown()),
      ]),
    ),
    typeAlias(
      `${PREFIX}Items`,
      [typeParameter("I"), typeParameter("T")],
      conditional(
        I,
        arrayOf(keyword.unknown(), true),
        arrayOf(T, true),
        conditional(
          I,
          typeReference("AsyncIterable", keyword.unknown()),
          iterable("AsyncIterable", T),
          iterable("Iterable", T),
        ),
      ),
    ),
  ];
}
