/**
 * What the scheduler needs to route values past methods that may not run:
 * predicates (`run_if`), branches (`branch_on`), inputs a method may go
 * without (`optional`), and the recovery settings of failed calls
 * (`fallback`, `on_error`, `max_failures`). Compiled once per plan into flat
 * tables; a plan that uses none of it has none (`undefined`), and its runs
 * take exactly the paths they took before these features existed.
 */
import type { FlowError } from "./errors.js";
import { errors } from "./errors.js";
import type { MaxFailures, OnError, PlanDescriptor } from "./plan.js";
import { RUN_INPUT } from "./plan.js";

/** Per-method routing facts in plan order (see `compileRouting`). */
export interface RoutingTables {
  /** The predicate's plan index, or −1. */
  readonly runIf: readonly number[];
  /** The fallback's plan index, or −1. */
  readonly fallback: readonly number[];
  readonly onError: readonly OnError[];
  readonly maxFailures: readonly (MaxFailures | null)[];
  /** A parallel method whose failed items do not fail the map at once (`on_error` other than `fail`, or a fallback). */
  readonly tolerant: readonly boolean[];
  /** A single method whose failed call is recovered from (a fallback, or `on_error: skip`). */
  readonly recovers: readonly boolean[];
  /** For a method that branches: for each of its successors (in `successors` order), the values it takes. */
  readonly routes: readonly (readonly (readonly unknown[])[] | undefined)[];
  /** The discriminant property of a method that branches. */
  readonly property: readonly (string | undefined)[];
  /** For each input position of each method (matching `from`): whether it may be skipped. */
  readonly optional: readonly (readonly boolean[])[];
}

/** Whether `plan` uses anything routing handles (so that plans that do not keep the plain paths). */
export function usesRouting(plan: PlanDescriptor): boolean {
  return plan.methods.some(
    (method) =>
      method.helper ||
      method.runIf !== null ||
      method.fallback !== null ||
      method.onError !== "fail" ||
      method.maxFailures !== null ||
      method.branch !== null ||
      method.optional.length > 0 ||
      method.inputs.includes(RUN_INPUT),
  );
}

/** The routing tables of a (validated) plan, or `undefined` when it uses no routing. */
export function compileRouting(
  plan: PlanDescriptor,
  at: (name: string) => number,
  successors: readonly (readonly number[])[],
): RoutingTables | undefined {
  if (!usesRouting(plan)) return undefined;
  const methods = plan.methods;
  return {
    runIf: methods.map((method) => (method.runIf === null ? -1 : at(method.runIf))),
    fallback: methods.map((method) => (method.fallback === null ? -1 : at(method.fallback))),
    onError: methods.map((method) => method.onError),
    maxFailures: methods.map((method) => method.maxFailures),
    tolerant: methods.map(
      (method) => method.mode === "parallel" && (method.onError !== "fail" || method.fallback !== null),
    ),
    recovers: methods.map(
      (method) => method.mode === "single" && (method.onError === "skip" || method.fallback !== null),
    ),
    routes: methods.map((method, i) => {
      const branch = method.branch;
      if (branch === null) return undefined;
      return (successors[i] ?? []).map((next) => branch.routes[methods[next]?.name ?? ""] ?? []);
    }),
    property: methods.map((method) => method.branch?.property),
    optional: methods.map((method) => method.inputs.map((input) => method.optional.includes(input))),
  };
}

/**
 * Which successors of method `i` take its `output` (by position in its
 * successors), or the error that fails the run when none does or the output
 * is no object.
 */
export function selectRoutes(
  tables: RoutingTables,
  names: readonly string[],
  i: number,
  output: unknown,
): readonly boolean[] | FlowError {
  const routes = tables.routes[i] ?? [];
  const property = tables.property[i] ?? "";
  const method = names[i] ?? "";
  if (typeof output !== "object" || output === null) {
    return errors.unroutedBranchValue(method, property, output, undefined);
  }
  const value: unknown = (output as Record<string, unknown>)[property];
  let any = false;
  const selected = routes.map((values) => {
    const takes = values.includes(value);
    any ||= takes;
    return takes;
  });
  return any ? selected : errors.unroutedBranchValue(method, property, output, value);
}
