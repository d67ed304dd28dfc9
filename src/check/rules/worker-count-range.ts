import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import type { RuleContext } from "../rule-context.js";

/**
 * Forbids a `max_worker_count` below the method's `min_worker_count`: no number of
 * workers satisfies both, so the backend could not schedule the method at all.
 */
export function workerCountRange(context: RuleContext): void {
  for (const [name, origins] of context.origins) {
    const min = origins.settings.min_worker_count;
    const max = origins.settings.max_worker_count;
    if (min === undefined || max === undefined || max.value >= min.value) continue;
    context.report(
      Messages.MaxBelowMin,
      max.property.value.span,
      [max.value, name, min.value],
      [{ span: min.property.value.span, message: `'min_worker_count' of '${name}' is set here.` }],
    );
  }
}
