/**
 * The pieces of the probe file that are not about one plan: the runtime's own types,
 * imported from stdlib/api.ts (so the probe judges methods by exactly the `RunContext`,
 * `MethodInput` and `MethodOutput` the generated runner is written against), and the few
 * helpers of the probe's own, built as syntax trees.
 */
import { fileURLToPath } from "node:url";
import { arrayOf, typeReference } from "../emit/syntax.js";
import * as t from "../syntax/tree.js";

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
  Settled: `${PREFIX}Settled`,
  Routed: `${PREFIX}Routed`,
  RunInputPart: `${PREFIX}RunInputPart`,
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
  Settled: imported.Settled,
  Routed: imported.Routed,
  RunInputPart: imported.RunInputPart,
} as const;

export const keyword = {
  unknown: () => t.keywordType("unknown"),
  object: () => t.keywordType("object"),
};

/** `typeof name` */
export function typeOf(name: string): t.TypeNode {
  return t.typeQuery(name);
}

/** `Parameters<F>[index]` */
function parameter(f: t.TypeNode, index: number): t.TypeNode {
  return t.indexedAccessType(typeReference("Parameters", f), t.literalType(t.number(index)));
}

/** `a & b` (the printer parenthesizes it where it needs to be) */
export function both(a: t.TypeNode, b: t.TypeNode): t.TypeNode {
  return t.intersectionType([a, b]);
}

function typeAlias(name: string, parameters: readonly t.TypeParameter[], type: t.TypeNode): t.Statement {
  return t.typeAlias(name, type, { typeParameters: parameters });
}

/** `declare const name: type;` */
export function declareConst(name: string, type: t.TypeNode): t.Statement {
  return t.variable(name, { modifiers: ["declare"], type });
}

/**
 * `function name() { statements }`: a question with a value in it is asked in a function
 * of its own. TypeScript follows a reference back through the flow of its container, past
 * every assignment before it; at the top level, where there are thousands of questions, that
 * is quadratic, in a function of one statement it is one step.
 */
export function askedApart(name: string, statements: readonly t.Statement[]): t.Statement {
  return t.functionDeclaration(name, [], statements);
}

/** `return value;` */
export function returned(value: t.Expression): t.Statement {
  return t.returnStatement(value);
}

/** `const name: type = value;`, or `const name = value;` without a type. */
export function constant(name: string, type: t.TypeNode | undefined, value: t.Expression): t.Statement {
  return t.variable(name, { ...(type === undefined ? {} : { type }), initializer: value });
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
export function preamble(): t.Statement[] {
  const F = typeReference("F");
  const method = () => [t.typeParameter("F", typeReference(runtime.AnyMethod))];
  const emptyTuple = t.tupleType([]);
  const atMostOne = t.typeOperator("readonly", t.tupleType([t.optionalType(keyword.unknown())]));
  const iterable = (name: string, element: t.TypeNode) => both(typeReference(name, element), keyword.object());
  const I = typeReference("I");
  const T = typeReference("T");
  const conditional = t.conditionalType;
  return [
    t.importDeclaration(
      t.namedImports(
        Object.entries(imported).map(([exported, local]) =>
          t.importSpecifier(local, { exported: t.identifier(exported) }),
        ),
      ),
      runtimeTypesPath,
      true,
    ),
    typeAlias(runtime.MethodInput, method(), typeReference(imported.MethodInput, F)),
    typeAlias(runtime.MethodOutput, method(), typeReference(imported.MethodOutput, F)),
    typeAlias(runtime.Item, [t.typeParameter("I")], typeReference(imported.Item, typeReference("I"))),
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
      t.unionType([
        arrayOf(keyword.unknown(), true),
        iterable("Iterable", keyword.unknown()),
        iterable("AsyncIterable", keyword.unknown()),
      ]),
    ),
    typeAlias(
      `${PREFIX}Items`,
      [t.typeParameter("I"), t.typeParameter("T")],
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
