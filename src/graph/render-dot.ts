/** `flowc graph --format dot`: a Graphviz digraph of a {@link Layout}. */
import type { PlanDescriptor, PlanMethod } from "../../stdlib/plan.js";
import { labelLines, RUN_INPUT_LABEL } from "./graph-labels.js";
import { edgeLabelLines, RUN_INPUT_ID, type DrawnEdge, type Layout } from "./graph-layout.js";

/** A dot double-quoted string: backslashes and quotes escaped, line breaks as `\n`. */
export function quoteDot(text: string): string {
  return `"${text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, "\\n")}"`;
}

const EDGE_STYLES = { data: undefined, input: undefined, fallback: "dashed", predicate: "dotted" } as const;

export function renderDot(plan: PlanDescriptor, layout: Layout): string {
  const lines = [`digraph ${quoteDot(plan.name)} {`, "  rankdir=TB;", '  node [shape=box, fontname="Helvetica"];'];
  const node = (method: PlanMethod, indent: string): string => {
    const attributes = [`label=${quoteDot(labelLines(method, layout.skippable.has(method.name)).join("\n"))}`];
    // Parallel methods are drawn as stacked boxes; sources get a heavy border, sinks a double one,
    // helpers rounded corners and a grey fill.
    if (method.mode === "parallel") attributes.push("shape=box3d");
    const role = layout.roles.get(method.name);
    if (role === "source" || role === "lone") attributes.push("penwidth=2");
    if (role === "sink" || role === "lone") attributes.push("peripheries=2");
    if (role === "helper") attributes.push('style="rounded,filled"', 'fillcolor="#f4f4f4"');
    return `${indent}${layout.ids.get(method.name)!} [${attributes.join(", ")}];`;
  };
  if (layout.runInput) lines.push(`  ${RUN_INPUT_ID} [label=${quoteDot(RUN_INPUT_LABEL)}, shape=oval];`);
  for (const method of layout.loose) lines.push(node(method, "  "));
  layout.clusters.forEach((members, i) => {
    lines.push(`  subgraph cluster_concurrent_${i} {`);
    lines.push('    label="concurrent";');
    lines.push("    style=dashed;");
    for (const method of members) lines.push(node(method, "    "));
    lines.push("  }");
  });
  for (const edge of layout.edges) lines.push(`  ${edgeLine(edge)}`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

function edgeLine(edge: DrawnEdge): string {
  const attributes: string[] = [];
  const label = edgeLabelLines(edge);
  if (label.length > 0) attributes.push(`label=${quoteDot(label.join("\n"))}`);
  const style = EDGE_STYLES[edge.kind];
  if (style !== undefined) attributes.push(`style=${style}`);
  return `${edge.from} -> ${edge.to}${attributes.length === 0 ? "" : ` [${attributes.join(", ")}]`};`;
}
