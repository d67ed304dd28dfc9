import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import { changeTo } from "../../bind/block-fixes.js";
import type { RuleContext } from "../rule-context.js";

/**
 * Forbids `on_error: settle` on a method that is not parallel (FLOW3019): a settled output
 * is an array with a record per item, which only a stage over items has. Reported once per
 * group and method, at the value.
 */
export function settleNeedsParallel(context: RuleContext): void {
  // How many groups set `on_error` for each method.
  const onErrorGroups = new Map<string, number>();
  for (const facts of context.groups) {
    if (facts.routing.on_error === undefined) continue;
    for (const method of facts.methods) onErrorGroups.set(method.name, (onErrorGroups.get(method.name) ?? 0) + 1);
  }
  for (const facts of context.groups) {
    const setting = facts.routing.on_error;
    if (setting?.value !== "settle") continue;
    // `skip`, as the message says; not where a parallel method of the group settles rightly,
    // nor where another group sets `on_error` for one of its methods, which it would contradict.
    const parallel = facts.methods.some((method) => context.settings.get(method.name)?.mode === "parallel");
    const elsewhere = facts.methods.some((method) => onErrorGroups.get(method.name)! > 1);
    const fixes = parallel || elsewhere ? [] : [changeTo(setting.property.value.span, "skip")];
    for (const method of facts.methods) {
      if (context.settings.get(method.name)?.mode === "parallel") continue;
      if (context.origins.get(method.name)?.uncertain === true) continue;
      context.report(Messages.SettleNeedsParallel, setting.property.value.span, [method.name], [], fixes);
    }
  }
}
