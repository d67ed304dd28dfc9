import { Messages } from "../../diagnostics/catalogue.js";
import { maxWeightAntichain, type Antichain } from "../../graph/max-weight-antichain.js";
import { longestPathLevels } from "../../graph/topological-order.js";
import { minimumWorkers } from "../../plan/minimum-workers.js";
import type { RuleContext } from "../rule-context.js";

/**
 * Up to this many nodes plus edges the heaviest set of simultaneous methods is computed
 * exactly; beyond it, the heaviest topological stage stands in (see below).
 */
export const exactCapacityLimit = 10_000;

/** How many methods a FLOW3010 message names before summing up the rest. */
const listedMethods = 8;

/**
 * With `--workers N`, forbids plans that cannot run on N workers:
 *
 * - FLOW3009: a parallel method whose `min_worker_count` alone exceeds N.
 * - FLOW3010: methods that can all be running at the same moment — no path between any
 *   two, so the scheduler is free to start them together — whose minimum workers add up
 *   to more than N. Only the heaviest such set matters (if it fits, every set fits), so it
 *   is reported once. Each method counts with its minimum: `min_worker_count` when
 *   parallel, one worker otherwise.
 *
 * The heaviest set is a maximum-weight antichain, computed exactly with a minimum flow.
 * Past `exactCapacityLimit` nodes and edges, the heaviest stage (methods with the same
 * longest distance from a source) is used instead: a stage is a real antichain, so
 * whatever is reported is a true overload, at the price of possibly missing one that
 * only a mix of stages reaches. When the demands of all methods together fit, nothing
 * is computed at all.
 */
export function workerCapacity(context: RuleContext): void {
  const workers = context.options.workers;
  if (workers === undefined) return;

  let alone = false;
  for (const [name, settings] of context.settings) {
    if (settings.mode !== "parallel" || settings.minWorkers === undefined || settings.minWorkers <= workers) continue;
    const origin = context.origins.get(name)?.settings.min_worker_count;
    const span = origin?.property.value.span ?? context.firstMentions.get(name)?.span;
    if (span !== undefined) context.report(Messages.StageExceedsWorkers, span, [name, settings.minWorkers, workers]);
    alone = true;
  }
  // A method that does not fit alone overloads every set it is in; one report says it.
  if (alone || !context.acyclic) return;

  const { index } = context;
  const demand = index.names.map((name) => minimumWorkers(context.settings.get(name)));
  if (demand.reduce((sum, d) => sum + d, 0) <= workers) return;

  const size = index.names.length + context.graph.edges.length;
  const heaviest =
    size <= exactCapacityLimit ? maxWeightAntichain(index.successors, demand) : heaviestStage(context, demand);
  if (heaviest.weight <= workers) return;

  const members = heaviest.nodes.map((v) => ({ name: index.names[v]!, demand: demand[v]! }));
  const terms = members.slice(0, listedMethods).map((m) => `${m.name} (${m.demand})`);
  const rest = members.slice(listedMethods);
  if (rest.length > 0) {
    const restDemand = rest.reduce((sum, m) => sum + m.demand, 0);
    terms.push(`${rest.length} more method${rest.length === 1 ? "" : "s"} (${restDemand})`);
  }
  const spanOf = (name: string) =>
    context.origins.get(name)?.settings.min_worker_count?.property.value.span ?? context.firstMentions.get(name)?.span;
  const first = members[0] === undefined ? undefined : context.firstMentions.get(members[0].name);
  if (first === undefined) return;
  context.report(
    Messages.ConcurrentStagesExceedWorkers,
    first.span,
    [workers, `${terms.join(" + ")} = ${heaviest.weight}`],
    members.flatMap((m) => {
      const span = spanOf(m.name);
      const plural = m.demand === 1 ? "" : "s";
      return span === undefined ? [] : [{ span, message: `'${m.name}' needs ${m.demand} worker${plural}.` }];
    }),
  );
}

function heaviestStage(context: RuleContext, demand: readonly number[]): Antichain {
  const levels = longestPathLevels(context.index.successors, context.order);
  const stages = new Map<number, number[]>();
  levels.forEach((level, v) => {
    const stage = stages.get(level);
    if (stage === undefined) stages.set(level, [v]);
    else stage.push(v);
  });
  let best: Antichain = { nodes: [], weight: 0 };
  for (const nodes of stages.values()) {
    const weight = nodes.reduce((sum, v) => sum + demand[v]!, 0);
    if (weight > best.weight) best = { nodes, weight };
  }
  return best;
}
