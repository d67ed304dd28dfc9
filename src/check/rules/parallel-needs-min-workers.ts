import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import type { RuleContext } from "../rule-context.js";

/**
 * Warns about a parallel method without `min_worker_count`. A parallel method is
 * defined by how far it is scaled out; without a minimum the backend may run it on a
 * single worker, one element after the other, which is almost never what was meant.
 * Writing `min_worker_count: 1` states that intent and silences the warning.
 */
export function parallelNeedsMinWorkers(context: RuleContext): void {
  for (const [name, origins] of context.origins) {
    // An unknown property (`min_workers: 4`) may well be the minimum, misspelt and reported.
    if (origins.parallel === undefined || origins.minWorkersWritten || origins.uncertain) continue;
    context.report(Messages.ParallelWithoutMin, origins.parallel.span, [name]);
  }
}
