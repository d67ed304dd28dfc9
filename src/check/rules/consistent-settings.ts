import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import { valueText } from "../../bind/read-properties.js";
import type { RuleContext } from "../rule-context.js";

/**
 * Forbids giving one method two different values for the same setting in two groups
 * (FLOW3005): the manifest would say two things at once, and silently keeping either
 * would run the method in a way one of its groups did not ask for. Reported at the later
 * value, pointing at the first.
 */
export function consistentSettings(context: RuleContext): void {
  for (const [name, origins] of context.origins) {
    for (const { key, first, here } of origins.conflicts) {
      const there = first.property.value;
      context.report(
        Messages.ConflictingSetting,
        here.property.value.span,
        [
          key,
          name,
          valueText(here.property.value, context.source),
          valueText(there, context.source),
          context.locate(there.span),
        ],
        [{ span: there.span, message: `'${key}' of '${name}' is first set here.` }],
      );
    }
  }
}
