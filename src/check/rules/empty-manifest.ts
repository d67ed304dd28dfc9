import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import type { RuleContext } from "../rule-context.js";

/**
 * Forbids a manifest without methods: it would compile to a runner that does nothing,
 * which is never what a manifest is written for (most often the groups were lost to
 * a syntax error or an editing mistake).
 */
export function emptyManifest(context: RuleContext): void {
  if (context.graph.nodes.length > 0) return;
  const start = context.document.span.start;
  context.report(Messages.EmptyManifest, { start, end: start });
}
