import type { Identifier } from "../../../grammar/ast.js";
import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import type { DiagnosticFix } from "../../../grammar/diagnostics/diagnostic.js";
import { addPropertyAfter } from "../../bind/block-fixes.js";
import type { GroupFacts } from "../../bind/group-facts.js";
import type { RuleContext } from "../rule-context.js";

/**
 * Warns about a parallel method without `min_worker_count`. A parallel method is
 * defined by how far it is scaled out; without a minimum the backend may run it on a
 * single worker, one element after the other, which is almost never what was meant.
 * Writing `min_worker_count: 1` states that intent and silences the warning.
 */
export function parallelNeedsMinWorkers(context: RuleContext): void {
  const byParallel = new Map<Identifier, GroupFacts>();
  for (const facts of context.groups) if (facts.flowValue !== undefined) byParallel.set(facts.flowValue, facts);
  for (const [name, origins] of context.origins) {
    // An unknown property (`min_workers: 4`) may well be the minimum, misspelt and reported.
    if (origins.parallel === undefined || origins.minWorkersWritten || origins.uncertain) continue;
    const facts = byParallel.get(origins.parallel);
    const fixed = facts === undefined ? [] : fixes(context, facts, origins.parallel);
    context.report(Messages.ParallelWithoutMin, origins.parallel.span, [name], [], fixed);
  }
}

/**
 * `min_worker_count: 1;` after the `execution_flow: parallel;` that makes the method parallel:
 * what the warning says the method does, written down. Not where another method of that group
 * has a minimum of its own elsewhere, which this one would contradict.
 */
function fixes(context: RuleContext, facts: GroupFacts, parallel: Identifier): DiagnosticFix[] {
  const property = facts.group.block.properties.find((p) => p.value === parallel);
  if (property === undefined) return [];
  if (facts.methods.some((method) => context.origins.get(method.name)?.minWorkersWritten === true)) return [];
  return [addPropertyAfter(context.source, property, "min_worker_count: 1;", true)];
}
