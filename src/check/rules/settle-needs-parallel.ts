import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import type { RuleContext } from "../rule-context.js";

/**
 * Forbids `on_error: settle` on a method that is not parallel (FLOW3019): a settled output
 * is an array with a record per item, which only a stage over items has. Reported once per
 * group and method, at the value.
 */
export function settleNeedsParallel(context: RuleContext): void {
  for (const facts of context.groups) {
    const setting = facts.routing.on_error;
    if (setting?.value !== "settle") continue;
    for (const method of facts.methods) {
      if (context.settings.get(method.name)?.mode === "parallel") continue;
      if (context.origins.get(method.name)?.uncertain === true) continue;
      context.report(Messages.SettleNeedsParallel, setting.property.value.span, [method.name]);
    }
  }
}
