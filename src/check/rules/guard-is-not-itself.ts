import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import type { RuleContext } from "../rule-context.js";

const why = {
  run_if: "a method cannot decide whether it runs itself; name a predicate that returns a boolean.",
  fallback: "a method that failed cannot stand in for itself; retry it with 'retries' instead.",
} as const;

/**
 * Forbids a method that is its own predicate or its own fallback (FLOW3021), which could
 * only be called again with the same input to the same end. Reported at the value, once
 * per group and method.
 */
export function guardIsNotItself(context: RuleContext): void {
  for (const facts of context.groups) {
    for (const key of ["run_if", "fallback"] as const) {
      const setting = facts.routing[key];
      if (setting === undefined) continue;
      for (const method of facts.methods) {
        if (method.name !== setting.value.name) continue;
        context.report(Messages.GuardIsItself, setting.property.value.span, [key, method.name, why[key]]);
      }
    }
  }
}
