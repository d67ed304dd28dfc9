import { Messages } from "../../diagnostics/catalogue.js";
import type { RuleContext } from "../rule-context.js";

/**
 * Forbids `min_worker_count` and `max_worker_count` on a method that is not parallel:
 * only a parallel method is spread over workers, so on any other method the count
 * would be silently ignored — usually a sign that `execution_flow: parallel` is missing.
 */
export function workerCountsNeedParallel(context: RuleContext): void {
  for (const facts of context.groups) {
    for (const key of ["min_worker_count", "max_worker_count"] as const) {
      const setting = facts.settings[key];
      if (setting === undefined) continue;
      for (const method of facts.methods) {
        if (context.settings.get(method.name)?.mode === "parallel") continue;
        // With a misspelt `execution_flow: paralel` beside it, the count is not the mistake.
        if (context.origins.get(method.name)?.uncertain === true) continue;
        context.report(Messages.WorkerCountOnNonParallel, setting.property.key.span, [key, method.name]);
      }
    }
  }
}
