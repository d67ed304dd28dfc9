/**
 * A plan compiled once per runner into the flat tables its runs walk
 * (routing of inputs, successors, in-degrees), and whether it is a plain
 * chain for the straight-line path (straight-line.ts).
 */
import { methodDemand, peakDemand, type PeakDemand } from "./demand.js";
import { RUN_INPUT, type PlanDescriptor } from "./plan.js";
import { compileRouting, type RoutingTables } from "./routing.js";

/** How a method's input is assembled from the run's values. */
export const Route = {
  /** A source: the run's input. */
  RunInput: 0,
  /** The method declares no input parameter: it is called with none. */
  None: 1,
  /** One predecessor: its output as it is. */
  Single: 2,
  /** Several predecessors: an object keyed by their names, in `inputs` order. */
  Keyed: 3,
} as const;
export type Route = (typeof Route)[keyof typeof Route];

/** The facts about a plan that every run reads, computed once. */
export interface CompiledPlan {
  readonly plan: PlanDescriptor;
  readonly peak: PeakDemand;
  /** Whether the plan is a plain chain eligible for the straight-line path. */
  readonly chain: boolean;
  readonly tables: Tables;
}

/** Per-method facts in plan order, indexed by a method's position. */
export interface Tables {
  readonly planName: string;
  readonly names: readonly string[];
  readonly route: readonly Route[];
  /**
   * For `Single`: the predecessor's index; for `Keyed`: all of them, the run's input (`@input`)
   * as index `names.length`, the slot of a run's values that holds it.
   */
  readonly from: readonly (readonly number[])[];
  /** For `Keyed`: the keys of the input object, matching `from`. */
  readonly keys: readonly (readonly string[])[];
  readonly parallel: readonly boolean[];
  /** No retry and no timeout: a call is one attempt. */
  readonly plain: readonly boolean[];
  readonly minWorkers: readonly number[];
  readonly maxWorkers: readonly (number | null)[];
  readonly successors: readonly (readonly number[])[];
  readonly inDegree: readonly number[];
  /** Methods started with the run: its sources, and those whose only input is the run's input. */
  readonly sources: readonly number[];
  /** Methods a run waits for: all but helpers. */
  readonly counted: number;
  /** Whether a method takes the run's input in a fan-in object (which then needs a slot for it). */
  readonly keepsRunInput: boolean;
  /** Predicates, branches, optional inputs and recovery; `undefined` when the plan uses none. */
  readonly routing: RoutingTables | undefined;
  readonly sinks: readonly number[];
  readonly sinkNames: readonly string[];
}

/** Compiles a (validated) plan into the tables its runs walk. */
export function compilePlan(plan: PlanDescriptor): CompiledPlan {
  const methods = plan.methods;
  const index = new Map(methods.map((method, i) => [method.name, i]));
  const at = (name: string): number => index.get(name) ?? -1;
  const successors: number[][] = methods.map(() => []);
  for (const edge of plan.edges) successors[at(edge.from)]?.push(at(edge.to));

  const route = methods.map((method) => {
    if (!method.takesInput) return Route.None;
    if (method.inputs.length === 0 || (method.inputs.length === 1 && method.inputs[0] === RUN_INPUT)) {
      return Route.RunInput;
    }
    return method.inputs.length === 1 ? Route.Single : Route.Keyed;
  });
  const runInputSlot = methods.length;
  const fromRunInput = (method: PlanDescriptor["methods"][number]): boolean => method.inputs[0] === RUN_INPUT;
  const onlyRunInput = methods
    .map((method, i) => (method.inputs.length === 1 && fromRunInput(method) ? i : -1))
    .filter((i) => i >= 0);
  const tables: Tables = {
    planName: plan.name,
    names: methods.map((method) => method.name),
    route,
    from: methods.map((method) => method.inputs.map((input) => (input === RUN_INPUT ? runInputSlot : at(input)))),
    keys: methods.map((method) => method.inputs),
    parallel: methods.map((method) => method.mode === "parallel"),
    plain: methods.map((method) => method.retries === 0 && method.timeoutMs === null),
    minWorkers: methods.map(methodDemand),
    maxWorkers: methods.map((method) => method.maxWorkers),
    successors,
    inDegree: methods.map((method) => method.inputs.length - (fromRunInput(method) ? 1 : 0)),
    sources:
      onlyRunInput.length === 0
        ? plan.sources.map(at)
        : [...plan.sources.map(at), ...onlyRunInput].sort((a, b) => a - b),
    counted: methods.filter((method) => !method.helper).length,
    keepsRunInput: methods.some((method) => fromRunInput(method) && method.inputs.length > 1),
    routing: compileRouting(plan, at, successors),
    sinks: plan.sinks.map(at),
    sinkNames: plan.sinks,
  };
  // Methods are in topological order, so a chain is exactly "each method's only input is the one before it".
  const chain =
    tables.routing === undefined &&
    methods.every(
      (method, i) =>
        method.mode === "single" &&
        method.retries === 0 &&
        method.timeoutMs === null &&
        (i === 0
          ? method.inputs.length === 0
          : method.inputs.length === 1 && method.inputs[0] === methods[i - 1]?.name) &&
        (successors[i]?.length ?? 0) <= 1,
    );
  return { plan, peak: peakDemand(plan), chain, tables };
}
