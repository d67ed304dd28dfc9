/**
 * How many workers a plan needs at once, and the one wording of a plan that needs
 * more than it may use: the compiler (`flowc check --workers N`, FLOW3009 and
 * FLOW3010) and the runtime (a runner's `workers`) both judge a plan with
 * `heaviestSimultaneous` and say so with these messages, so they always agree.
 *
 * Two methods can be in flight together exactly when neither depends on the other,
 * directly or through others: for any such set (an antichain of the dependency
 * order) there are call durations that make all of its members run simultaneously,
 * and a method can never overlap its own ancestors or descendants. So the peak
 * demand is the maximum-weight antichain, each method weighing its `minWorkers`
 * (1 for single methods).
 */
import { heaviestSimultaneous } from "./graph/antichain.js";
import type { PlanDescriptor, PlanMethod } from "./plan.js";

export interface PeakDemand {
  /** Largest total of workers needed by methods that can run at the same time. */
  readonly workers: number;
  /** One set of such methods (in plan order) reaching that total. */
  readonly methods: readonly string[];
}

/** Workers one method occupies while it runs. */
export function methodDemand(method: Pick<PlanMethod, "mode" | "minWorkers">): number {
  return method.mode === "parallel" ? method.minWorkers : 1;
}

/** The plan's peak demand, with each method weighing `weight(method)` (by default its `methodDemand`). */
export function peakDemand(plan: PlanDescriptor, weight: (method: PlanMethod) => number = methodDemand): PeakDemand {
  const index = new Map(plan.methods.map((method, i) => [method.name, i]));
  const successors: { node: number }[][] = plan.methods.map(() => []);
  for (const edge of plan.edges) {
    const from = index.get(edge.from);
    const to = index.get(edge.to);
    if (from !== undefined && to !== undefined) successors[from]!.push({ node: to });
  }
  // Plan methods are in topological order.
  const order = plan.methods.map((_, i) => i);
  const heaviest = heaviestSimultaneous(successors, plan.methods.map(weight), order);
  return { workers: heaviest.weight, methods: heaviest.nodes.map((v) => plan.methods[v]!.name) };
}

/**
 * The messages of a plan that needs more workers than it may use. `{3}` and `{1}`
 * name where the limit comes from: `--workers 8` for the compiler, `workers: 8` for a runner.
 */
export const DemandMessages = {
  /** One parallel method alone (FLOW3009; the runtime's `WorkerCap`). */
  alone: "'{0}' needs at least {1} workers but only {2} are available ({3}).",
  /** Methods that can run at the same time together (FLOW3010; the runtime's `WorkerCap`). */
  together: "Methods that can run at the same time need more workers than the {0} available ({1}): {2}.",
} as const;

/** How many methods a message names before summing up the rest. */
const listedMethods = 8;

/** `a (2) + b (3) + 2 more methods (4) = 9`: the members of an overloading set, as the `together` message lists them. */
export function demandTerms(members: readonly { readonly name: string; readonly demand: number }[]): string {
  const terms = members.slice(0, listedMethods).map((m) => `${m.name} (${m.demand})`);
  const rest = members.slice(listedMethods);
  if (rest.length > 0) {
    const restDemand = rest.reduce((sum, m) => sum + m.demand, 0);
    terms.push(`${rest.length} more method${rest.length === 1 ? "" : "s"} (${restDemand})`);
  }
  const total = members.reduce((sum, m) => sum + m.demand, 0);
  return `${terms.join(" + ")} = ${total}`;
}
