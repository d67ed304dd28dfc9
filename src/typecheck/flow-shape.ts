/**
 * What travels along each edge of a plan, in terms of the plan alone: the one account the
 * type-check's probe and the generated runner both type their edges by, so that the
 * runner's types say exactly what the compiler proved.
 *
 * A method hands on its output; a parallel one an array of its items' outputs, each of
 * them possibly `undefined` with `on_error: skip`, or `Settled` records with `on_error:
 * settle`. A receiver takes one piece per input: the run's input (`@input`), or what a
 * sender hands on — narrowed to the variants routed to it when the sender branches, and
 * possibly `undefined` when the sender may be skipped and the receiver runs without it.
 */
import { RUN_INPUT, type DiscriminantValue, type PlanDescriptor, type PlanMethod } from "../../stdlib/plan.js";
import { skippableMethods } from "../../stdlib/skippable.js";

/** What a method hands on, by the shape of its output. */
export type Handed =
  /** Its output (a single method). */
  | "value"
  /** An array of its items' outputs. */
  | "items"
  /** An array of its items' outputs, `undefined` where an item failed (`on_error: skip`). */
  | "items or undefined"
  /** An array of `Settled` records of its items' outputs (`on_error: settle`). */
  | "settled";

export function handedOf(method: PlanMethod): Handed {
  if (method.mode !== "parallel") return "value";
  if (method.onError === "skip") return "items or undefined";
  return method.onError === "settle" ? "settled" : "items";
}

/** The variants of a branching sender that reach one receiver. */
export interface Route {
  readonly property: string;
  readonly values: readonly DiscriminantValue[];
}

/** One input of a receiver. */
export type Piece =
  | { readonly kind: "run input"; readonly key: typeof RUN_INPUT }
  | {
      readonly kind: "method";
      /** The sender's name, which is the key of its value in a fan-in object. */
      readonly key: string;
      readonly sender: PlanMethod;
      /** The sender branches: only the variants routed here arrive. */
      readonly route: Route | undefined;
      /** The sender may be skipped and the receiver then runs with `undefined` in its place. */
      readonly orUndefined: boolean;
    };

/** A method that serves another: its predicate (`run_if`) or its fallback. */
export interface Guard {
  readonly method: PlanMethod;
  readonly role: "run_if" | "fallback";
  readonly guard: PlanMethod;
}

/** A plan with what its edges carry worked out once. */
export class FlowShape {
  readonly plan: PlanDescriptor;
  /** The methods a run may skip (see stdlib/skippable.ts). */
  readonly skippable: ReadonlySet<string>;
  readonly #byName: ReadonlyMap<string, PlanMethod>;
  #guards: readonly Guard[] | undefined;
  #guardsByMethod: ReadonlyMap<PlanMethod, readonly Guard[]> | undefined;

  constructor(plan: PlanDescriptor) {
    this.plan = plan;
    this.skippable = skippableMethods(plan);
    this.#byName = new Map(plan.methods.map((method) => [method.name, method]));
  }

  method(name: string): PlanMethod | undefined {
    return this.#byName.get(name);
  }

  /**
   * The inputs of `receiver`, in the order of its fan-in object (`@input` first). A method
   * whose only input is `@input` takes the run's input as a source does: see `takesRunInput`.
   */
  pieces(receiver: PlanMethod): Piece[] {
    return receiver.inputs.flatMap((key): Piece[] => {
      if (key === RUN_INPUT) return [{ kind: "run input", key: RUN_INPUT }];
      const sender = this.#byName.get(key);
      if (sender === undefined) return [];
      const routes = sender.branch?.routes[receiver.name];
      const route =
        routes === undefined || sender.branch === null
          ? undefined
          : { property: sender.branch.property, values: routes };
      const orUndefined = this.skippable.has(key) && receiver.optional.includes(key);
      return [{ kind: "method", key, sender, route, orUndefined }];
    });
  }

  /**
   * How a method takes the run's input: `whole` for a source (no inputs) and for a method
   * whose only input is `@input`; `key` when it is one member of its fan-in object;
   * `undefined` when it does not take it. Helpers take none.
   */
  takesRunInput(method: PlanMethod): "whole" | "key" | undefined {
    if (method.helper) return undefined;
    if (method.inputs.length === 0) return "whole";
    if (!method.inputs.includes(RUN_INPUT)) return undefined;
    return method.inputs.length === 1 ? "whole" : "key";
  }

  /** Whether another method feeds `method` (not only the run's input): only then does it receive along an edge. */
  fedByMethods(method: PlanMethod): boolean {
    return method.inputs.some((input) => input !== RUN_INPUT);
  }

  /** Whether a sink's part of the run's output may be `undefined` (it may be skipped). */
  mayBeSkipped(method: PlanMethod): boolean {
    return this.skippable.has(method.name);
  }

  /** The methods that take the run's input, in plan order. */
  runInputTakers(): { readonly method: PlanMethod; readonly how: "whole" | "key" }[] {
    return this.plan.methods.flatMap((method) => {
      const how = this.takesRunInput(method);
      return how === undefined ? [] : [{ method, how }];
    });
  }

  /** The methods that serve others, each with the methods it serves: predicates and fallbacks. */
  guards(): readonly Guard[] {
    this.#guards ??= this.plan.methods.flatMap((method) =>
      (["run_if", "fallback"] as const).flatMap((role) => {
        const name = role === "run_if" ? method.runIf : method.fallback;
        const guard = name === null ? undefined : this.#byName.get(name);
        return guard === undefined ? [] : [{ method, role, guard }];
      }),
    );
    return this.#guards;
  }

  /** The predicate and fallback of `method`, if it has them. */
  guardsOf(method: PlanMethod): readonly Guard[] {
    if (this.#guardsByMethod === undefined) {
      const byMethod = new Map<PlanMethod, Guard[]>();
      for (const guard of this.guards()) {
        const list = byMethod.get(guard.method);
        if (list === undefined) byMethod.set(guard.method, [guard]);
        else list.push(guard);
      }
      this.#guardsByMethod = byMethod;
    }
    return this.#guardsByMethod.get(method) ?? [];
  }
}
