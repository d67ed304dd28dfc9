import { hasErrors } from "../../grammar/diagnostics/diagnostic.js";
import type { PlanDescriptor } from "../../stdlib/plan.js";
import { isConcurrentGroup } from "../bind/group-facts.js";
import type { Binding } from "../bind/types.js";
import type { Checked } from "../check/types.js";
import { manifestName } from "../resolve/manifest-name.js";
import type { Resolution } from "../resolve/types.js";
import { buildPlan } from "./build-plan.js";

/**
 * The plan phase: the plan of a manifest whose graph is sound — it has methods and no
 * cycle, and no phase before found an error — or `undefined`.
 */
export function plan(resolution: Resolution, bound: Binding, checked: Checked): PlanDescriptor | undefined {
  const sound =
    checked.acyclic &&
    bound.graph.nodes.length > 0 &&
    !hasErrors(resolution.diagnostics) &&
    !hasErrors(bound.diagnostics) &&
    !hasErrors(checked.diagnostics);
  if (!sound) return undefined;
  const concurrent = bound.groups.filter(isConcurrentGroup).map((group) => group.methods.map((method) => method.name));
  return buildPlan(manifestName(bound.source.path), bound.graph, bound.settings, resolution, concurrent);
}
