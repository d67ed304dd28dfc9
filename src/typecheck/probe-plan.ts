/**
 * What the type-check's probe file (see probe-file.ts) is asked about: the plan in the
 * probe's terms, the subjects its stretches of text are about, and the names of the
 * declarations the type-check reads back.
 */
import type { Handed, Route } from "./flow-shape.js";
import type { JsonPrimitive } from "./input-check.js";
import { PREFIX } from "./probe-syntax.js";

/** What a stretch of the probe file asks, so a TypeScript diagnostic there can be told apart. */
export type ProbeSubject =
  | { readonly kind: "preamble" }
  | { readonly kind: "method"; readonly method: string }
  | { readonly kind: "context"; readonly method: string }
  | { readonly kind: "array"; readonly receiver: string }
  | { readonly kind: "edge"; readonly receiver: string }
  /** Whether what a method receives fits its predicate or fallback, and what that returns fits in. */
  | {
      readonly kind: "guard";
      readonly role: "run_if" | "fallback";
      readonly aspect: "input" | "output";
      readonly method: string;
    }
  | { readonly kind: "run" };

/** What `flowc` passes a method: its input, then a run context (see `CallShape.arity`). */
export type ProbeArity = 0 | 1 | 2;

export interface ProbeRange {
  readonly start: number;
  readonly end: number;
  readonly subject: ProbeSubject;
}

/** Names of the declarations the type-check reads back, by method index. */
export const probeNames = {
  imported: (index: number) => `${PREFIX}import${index}`,
  method: (index: number) => `${PREFIX}fn${index}`,
  parameters: (index: number) => `${PREFIX}parameters${index}`,
  input: (index: number) => `${PREFIX}input${index}`,
  output: (index: number) => `${PREFIX}output${index}`,
  context: (index: number) => `${PREFIX}context${index}`,
  incoming: (index: number) => `${PREFIX}incoming${index}`,
  array: (index: number) => `${PREFIX}array${index}`,
  edge: (index: number) => `${PREFIX}edge${index}`,
  /**
   * The `position`-th input of the method at `index` (see `ProbeMethod.inputs`): what travels
   * along that edge, the type the typed plan's `edges` print.
   */
  piece: (index: number, position: number) => `${PREFIX}piece${index}_${position}`,
  /** What one call of a parallel method receives: an element of its incoming items. */
  item: (index: number) => `${PREFIX}item${index}`,
  /** A function returning a call of a generic or overloaded method with what it receives, resolved by TypeScript. */
  call: (index: number) => `${PREFIX}call${index}`,
  /** The function in which the question that declares `name` is asked. */
  question: (name: string) => `${name}Question`,
  /** What the `position`-th source needs of the run's input. */
  source: (position: number) => `${PREFIX}source${position}`,
  /** The run's input as the first `position + 1` sources need it. */
  runInput: (position: number) => `${PREFIX}runInput${position}`,
  runOutput: `${PREFIX}runOutput`,
  /** The literal type of the `index`-th of `ProbePlan.literals`. */
  literal: (index: number) => `${PREFIX}literal${index}`,
  /** What a method accepts from its predecessors (`Target<F>`), asked for when skips and branches are decided. */
  target: (index: number) => `${PREFIX}target${index}`,
  /**
   * `true` when the method at `index` runs with `undefined` in place of its `position`-th input:
   * its parameter accepts it, or, with several inputs, that member of its parameter accepts
   * an `undefined` value (as the key is present, `exactOptionalPropertyTypes` counts).
   */
  accepts: (index: number, position: number) => `${PREFIX}accepts${index}_${position}`,
  /** The questions about a method's predicate and fallback. */
  guard: (role: "run_if" | "fallback", aspect: "input" | "output", index: number) =>
    `${PREFIX}${role === "run_if" ? "predicate" : "fallback"}${aspect === "input" ? "Input" : "Output"}${index}`,
};

/** A method as the probe file sees it. */
export interface ProbeMethod {
  readonly name: string;
  /** Index in the plan; names the method's declarations. */
  readonly index: number;
  /** Specifier of its module relative to the probe file, as a runner would import it. */
  readonly specifier: string;
  readonly exportName: string;
  readonly parallel: boolean;
  /**
   * For a generic or overloaded method: how many arguments the probe's call passes.
   * Its output is then what that call returns, so TypeScript infers type arguments and
   * picks the overload from the value the method receives; `undefined` for any other
   * method, whose output is its declared return type.
   */
  readonly call: ProbeArity | undefined;
  /** What it receives, one piece per input in the order of the plan's `inputs` (see flow-shape.ts). */
  readonly inputs: readonly ProbePiece[];
  /** How it takes the run's input: as a whole (a source), as the `"@input"` key of its fan-in object, or not. */
  readonly runInput: "whole" | "key" | undefined;
  /** How its output is handed on. */
  readonly handed: Handed;
  /** Its predecessor and fallback, by index in the plan. */
  readonly guards: readonly { readonly role: "run_if" | "fallback"; readonly index: number }[];
}

/** One input of a method as the probe types it. */
export type ProbePiece =
  | { readonly kind: "run input"; readonly name: string }
  | {
      readonly kind: "method";
      readonly name: string;
      readonly index: number;
      readonly handed: Handed;
      readonly route: Route | undefined;
      readonly orUndefined: boolean;
    };

export interface ProbePlan {
  readonly methods: readonly ProbeMethod[];
  /** Indices of the methods that take the run's input, in plan order (see `ProbeMethod.runInput`). */
  readonly sources: readonly number[];
  /** Indices of the methods whose output forms the run's output, in plan order, with whether each may be skipped. */
  readonly sinks: readonly { readonly index: number; readonly mayBeSkipped: boolean }[];
  /** Declare what skips and branches are decided by (`probeNames.target`, `probeNames.undefined`). */
  readonly decisions?: boolean | undefined;
  /** Primitives whose literal types the check of a run's input asks for (see `literalsOf`). */
  readonly literals?: readonly JsonPrimitive[] | undefined;
}
