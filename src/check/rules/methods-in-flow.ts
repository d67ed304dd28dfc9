import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import type { RuleContext } from "../rule-context.js";

/**
 * Warns about a method that takes part in no flow: no edge (from another method or from
 * `@input`) and no concurrent partner, only properties. It still runs, on the run's input, and its output joins the run's
 * output — rarely intended when the manifest has other methods, so it is most likely a
 * method whose sequential group was forgotten or misspelt. A manifest of one method is
 * a flow of its own (a lone parallel method, say) and is not reported, nor is a method
 * of a group whose `execution_flow` is in error, nor one whose name was refused (the error
 * already says what is wrong).
 */
export function methodsInFlow(context: RuleContext): void {
  const { index } = context;
  if (index.names.length < 2) return;
  const fedByRunInput = new Set((context.graph.runInputs ?? []).map((edge) => edge.to));
  index.names.forEach((name, i) => {
    if (index.successors[i]!.length > 0 || index.predecessors[i]!.length > 0 || fedByRunInput.has(name)) return;
    if (context.settings.get(name)?.concurrent === true) return;
    if (context.origins.get(name)?.uncertain === true || context.invalidNames.has(name)) return;
    const mention = context.firstMentions.get(name);
    if (mention !== undefined) context.report(Messages.MethodInNoFlow, mention.span, [name]);
  });
}
