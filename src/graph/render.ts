import type { PlanDescriptor } from "../../stdlib/plan.js";
import type { EdgeType } from "../typecheck/types.js";
import { layOut } from "./graph-layout.js";
import { renderDot } from "./render-dot.js";
import { renderMermaid } from "./render-mermaid.js";

export type GraphFormat = "mermaid" | "dot";

/**
 * Draws a plan as a flowchart: one node per method, one arrow per edge, concurrent
 * methods boxed together. Parallel methods are drawn differently and labelled with
 * their workers (`×4` or `×4..8`) and shard size; retries, timeouts, `on_error` and
 * `max_failures` appear in the label; sources and sinks are styled apart.
 *
 * In both formats alike: a method a run may skip says `may skip` in its label; an edge
 * out of a `branch_on` method is labelled with the values it carries (`kind = "a" | "b"`);
 * a fallback is a dashed edge method → fallback labelled `fallback`, a predicate a dotted
 * edge predicate → method labelled `run_if`; helpers (methods used only as those) are
 * rounded, grey and labelled `helper`; the run's input, when a method takes it as
 * `@input`, is one oval node `run input` with an edge to each such method.
 *
 * With `edgeTypes` (`flowc graph --types`, see `TypedPlan.edges`), each edge that carries a
 * value says its TypeScript type, on a line of its own below a branch's values.
 *
 * Nodes get generated ids (`m0`, `m1`, … in plan order, `input` for the run's input) and
 * every label is escaped, so no method or plan name, nor any type, can break out of the
 * output's syntax.
 */
export function renderGraph(plan: PlanDescriptor, format: GraphFormat, edgeTypes: readonly EdgeType[] = []): string {
  const layout = layOut(plan, edgeTypes);
  return format === "dot" ? renderDot(plan, layout) : renderMermaid(layout);
}
