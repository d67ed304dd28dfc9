import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import type { RuleContext } from "../rule-context.js";

/**
 * Forbids `max_failures` where no failed item is tolerated (FLOW3020): on a method that is
 * not parallel (it has no items), or on a parallel one that fails at its first failed item
 * anyway (no `on_error: skip | settle`, no `fallback`). The limit would never apply, which
 * is a sign that the setting that makes it apply is missing.
 */
export function maxFailuresNeedTolerance(context: RuleContext): void {
  for (const facts of context.groups) {
    const setting = facts.routing.max_failures;
    if (setting === undefined) continue;
    for (const method of facts.methods) {
      const settings = context.settings.get(method.name);
      if (settings === undefined || context.origins.get(method.name)?.uncertain === true) continue;
      let why: string | undefined;
      if (settings.mode !== "parallel") {
        why = `'${method.name}' is not parallel, so it has no items to count.`;
      } else if (settings.fallback === undefined && (settings.onError ?? "fail") === "fail") {
        why = `'${method.name}' fails at its first failed item; add 'on_error: skip;', 'on_error: settle;' or a 'fallback' to tolerate some.`;
      }
      if (why !== undefined)
        context.report(Messages.MaxFailuresWithoutTolerance, setting.property.key.span, [method.name, why]);
    }
  }
}
