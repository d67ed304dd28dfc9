import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import { upperBounds, valueText } from "../../bind/read-properties.js";
import { maxDurationText } from "../../duration.js";
import type { RuleContext } from "../rule-context.js";

/**
 * Forbids a setting whose value it cannot take: a worker count or shard size that is no
 * whole number from 1 (FLOW3002), `retries` that is no whole number from 0 (FLOW3011), a
 * `timeout` that is no positive duration (FLOW3012); and, so that a typo is not taken at
 * its word, a count past what any backend can honour (FLOW3016) or a timeout past what a
 * timer can wait (FLOW3017), which would start threads until memory runs out or fail
 * every call at once; a `max_failures` that is no count or percentage (FLOW3018). The
 * method keeps no value from such a property.
 */
export function settingValues(context: RuleContext): void {
  for (const facts of context.groups) {
    for (const { key, property, kind } of facts.problems) {
      const value = property.value;
      const text = valueText(value, context.source);
      if (key === "timeout") {
        if (kind === "too long") context.report(Messages.TimeoutTooLong, value.span, [maxDurationText, text]);
        else context.report(Messages.InvalidTimeout, value.span, [text]);
      } else if (key === "retries") {
        context.report(Messages.InvalidRetries, value.span, [text]);
      } else if (key === "max_failures") {
        context.report(Messages.InvalidMaxFailures, value.span, [text]);
      } else if (kind === "too large") {
        const bound = upperBounds[key];
        context.report(Messages.CountTooLarge, value.span, [key, bound.most, text, bound.why]);
      } else {
        context.report(Messages.InvalidWorkerCount, value.span, [key, text]);
      }
    }
  }
}
