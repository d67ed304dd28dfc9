import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import type { RuleContext } from "../rule-context.js";

/**
 * Forbids a concurrent group of one method: concurrency is a relation between
 * methods, so a lone member says nothing — most likely its partner was forgotten.
 */
export function concurrentGroupSize(context: RuleContext): void {
  for (const facts of context.groups) {
    const only = facts.methods[0];
    if (facts.flow !== "concurrent" || facts.methods.length !== 1 || only === undefined) continue;
    context.report(Messages.ConcurrentTooFew, only.span, [only.name]);
  }
}
