/**
 * The types of what travels along an edge (see src/typecheck/flow-shape.ts), built the
 * same way for the type-check's probe and for the generated runner, which differ only in
 * how they name a method's output and the runtime's types.
 */
import type { DiscriminantValue } from "../../stdlib/plan.js";
import * as t from "../syntax/tree.js";
import type { Handed, Route } from "../typecheck/flow-shape.js";
import { arrayOf } from "./syntax.js";

/** The value a method hands on, from its output: itself, or an array of items (possibly `undefined`, or `Settled`). */
export function handedType(
  handed: Handed,
  output: t.TypeNode,
  settled: (output: t.TypeNode) => t.TypeNode,
): t.TypeNode {
  switch (handed) {
    case "value":
      return output;
    case "items":
      return arrayOf(output);
    case "items or undefined":
      return arrayOf(orUndefined(output));
    case "settled":
      return arrayOf(settled(output));
  }
}

/**
 * One piece of what a method receives from a sender: what it hands on, narrowed by `routed`
 * to the variants routed here when it branches, and possibly `undefined` when it may be skipped.
 */
export function pieceTypeOf(
  handed: t.TypeNode,
  piece: { readonly route: Route | undefined; readonly orUndefined: boolean },
  routed: (handed: t.TypeNode, property: t.TypeNode, values: t.TypeNode) => t.TypeNode,
): t.TypeNode {
  const route = piece.route;
  const narrowed =
    route === undefined ? handed : routed(handed, t.literalType(t.string(route.property)), valuesType(route.values));
  return piece.orUndefined ? orUndefined(narrowed) : narrowed;
}

/** `T | undefined` */
export function orUndefined(type: t.TypeNode): t.TypeNode {
  return t.unionType([type, t.keywordType("undefined")]);
}

/** `"a" | "b"`: discriminant values as a union of literal types, `never` when there are none. */
export function valuesType(values: readonly DiscriminantValue[]): t.TypeNode {
  const types = values.map(literalType);
  if (types.length === 0) return t.keywordType("never");
  return types.length === 1 && types[0] !== undefined ? types[0] : t.unionType(types);
}

/** `"ten"`, `-3`, `true`, `null`, `undefined`: the type of exactly that value. */
export function literalType(value: DiscriminantValue | undefined): t.TypeNode {
  if (value === undefined) return t.keywordType("undefined");
  if (value === null) return t.literalType(t.nullLiteral());
  if (typeof value === "boolean") return t.literalType(t.boolean(value));
  if (typeof value === "string") return t.literalType(t.string(value));
  return t.literalType(t.signedNumber(value));
}
