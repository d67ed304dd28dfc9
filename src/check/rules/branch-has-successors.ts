import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import type { RuleContext } from "../rule-context.js";

/**
 * `branch_on` routes a single method's output to its successors: forbids it on a method
 * with no successor (FLOW3022), where there is nothing to route, and on a parallel method
 * (FLOW3023), whose output is an array rather than one value with a discriminant.
 * Reported at the property's name, once per group and method.
 */
export function branchHasSuccessors(context: RuleContext): void {
  for (const facts of context.groups) {
    const setting = facts.routing.branch_on;
    if (setting === undefined) continue;
    for (const method of facts.methods) {
      if (context.origins.get(method.name)?.uncertain === true) continue;
      if (context.settings.get(method.name)?.mode === "parallel") {
        context.report(Messages.BranchOnParallel, setting.property.key.span, [method.name]);
        continue;
      }
      const node = context.index.indexOf.get(method.name);
      const successors = node === undefined ? [] : (context.index.successors[node] ?? []);
      if (successors.length === 0)
        context.report(Messages.BranchWithoutSuccessors, setting.property.key.span, [method.name]);
    }
  }
}
