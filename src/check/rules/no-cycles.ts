import type { GraphEdge } from "../../bind/types.js";
import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import { elementaryCycles } from "../../graph/elementary-cycles.js";
import type { RuleContext } from "../rule-context.js";

/** How many cycles are reported at most; Johnson's search stops there, which bounds its time. */
export const maxReportedCycles = 50;

/**
 * Forbids cycles: a method that (indirectly) waits for its own output can never start.
 *
 * Every elementary cycle is reported, up to a bound, each once: at the declaration of
 * its edge written last in the manifest (the one that closed the cycle), spelled from
 * that edge's target, with every edge of the cycle as a related location.
 */
export function noCycles(context: RuleContext): void {
  if (context.acyclic) return;
  const { index } = context;
  const edgeOrder = (from: number, to: number): { edge: GraphEdge; order: number } => {
    const adjacent = index.successors[from]!.find((a) => a.node === to)!;
    return { edge: adjacent.edge, order: adjacent.order };
  };

  for (const cycle of elementaryCycles(index.successors, maxReportedCycles)) {
    const edges = cycle.map((from, i) => edgeOrder(from, cycle[(i + 1) % cycle.length]!));
    let closing = 0;
    edges.forEach((e, i) => {
      if (e.order > edges[closing]!.order) closing = i;
    });
    // Spell the cycle from the target of the closing edge, so that it ends with that edge.
    const ordered = [...edges.slice(closing + 1), ...edges.slice(0, closing + 1)];
    const names = [ordered[0]!.edge.from, ...ordered.map((e) => e.edge.to)];
    context.report(
      Messages.Cycle,
      edges[closing]!.edge.declaration.span,
      [names.join(" → ")],
      ordered.map(({ edge }) => ({
        span: edge.declaration.span,
        message: `'${edge.from}' → '${edge.to}' is declared here.`,
      })),
    );
  }
}
