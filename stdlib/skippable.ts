/**
 * Which methods of a plan a run may skip: the one rule the type-checker (to type what
 * follows a skippable method), the runtime (to spare plans without skips any bookkeeping)
 * and `flowc graph` (to show it) share.
 *
 * A method may be skipped when it has a predicate (`run_if`), when the method before it
 * routes by a discriminant (`branch_on`), when a failed call skips it (`on_error: skip` on
 * a single method; a parallel one skips items, not itself), or when an input it cannot do
 * without (one not in its `optional` list) may be skipped.
 */
import { RUN_INPUT, type PlanDescriptor } from "./plan.js";

/** The names of the methods a run may skip, in plan order (methods are topologically ordered). */
export function skippableMethods(plan: PlanDescriptor): ReadonlySet<string> {
  const skippable = new Set<string>();
  const branchTargets = new Set<string>();
  for (const method of plan.methods) {
    if (method.branch !== null) for (const successor of Object.keys(method.branch.routes)) branchTargets.add(successor);
  }
  for (const method of plan.methods) {
    if (method.helper) continue;
    const own =
      method.runIf !== null ||
      branchTargets.has(method.name) ||
      (method.mode === "single" && method.onError === "skip");
    const upstream = method.inputs.some(
      (input) => input !== RUN_INPUT && skippable.has(input) && !method.optional.includes(input),
    );
    if (own || upstream) skippable.add(method.name);
  }
  return skippable;
}
