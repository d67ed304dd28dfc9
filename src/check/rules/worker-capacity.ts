import { demandTerms } from "../../../stdlib/demand.js";
import { heaviestSimultaneous } from "../../../stdlib/graph/antichain.js";
import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import { minimumWorkers } from "../../plan/minimum-workers.js";
import type { RuleContext } from "../rule-context.js";

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
 * The heaviest set is the one a runner's `workers` is judged by (stdlib/demand.ts), so a
 * plan `flowc check --workers N` accepts is one `createRunner({ workers: N })` runs. When
 * the demands of all methods together fit, nothing is computed at all.
 */
export function workerCapacity(context: RuleContext): void {
  const workers = context.options.workers;
  if (workers === undefined) return;
  const limit = `--workers ${workers}`;

  let alone = false;
  for (const [name, settings] of context.settings) {
    if (settings.mode !== "parallel" || settings.minWorkers === undefined || settings.minWorkers <= workers) continue;
    const origin = context.origins.get(name)?.settings.min_worker_count;
    const span = origin?.property.value.span ?? context.firstMentions.get(name)?.span;
    if (span !== undefined) {
      context.report(Messages.StageExceedsWorkers, span, [name, settings.minWorkers, workers, limit]);
    }
    alone = true;
  }
  // A method that does not fit alone overloads every set it is in; one report says it.
  if (alone || !context.acyclic) return;

  const { index } = context;
  const demand = index.names.map((name) => minimumWorkers(context.settings.get(name)));
  if (demand.reduce((sum, d) => sum + d, 0) <= workers) return;

  const heaviest = heaviestSimultaneous(index.successors, demand, context.order);
  if (heaviest.weight <= workers) return;

  const members = heaviest.nodes.map((v) => ({ name: index.names[v]!, demand: demand[v]! }));
  const spanOf = (name: string) =>
    context.origins.get(name)?.settings.min_worker_count?.property.value.span ?? context.firstMentions.get(name)?.span;
  const first = members[0] === undefined ? undefined : context.firstMentions.get(members[0].name);
  if (first === undefined) return;
  context.report(
    Messages.ConcurrentStagesExceedWorkers,
    first.span,
    [workers, limit, demandTerms(members)],
    members.flatMap((m) => {
      const span = spanOf(m.name);
      const plural = m.demand === 1 ? "" : "s";
      return span === undefined ? [] : [{ span, message: `'${m.name}' needs ${m.demand} worker${plural}.` }];
    }),
  );
}
