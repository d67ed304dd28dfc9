/** `flowc graph --format mermaid`: a Mermaid flowchart of a {@link Layout}. */
import type { PlanMethod } from "../../stdlib/plan.js";
import { labelLines, RUN_INPUT_LABEL } from "./graph-labels.js";
import { edgeLabelLines, RUN_INPUT_ID, type DrawnEdge, type Layout, type NodeRole } from "./graph-layout.js";

/**
 * Mermaid reads `#<decimal>;` as a character reference inside a quoted label; every
 * character outside a small safe set is written that way (quotes, brackets, `#`, `<`…).
 */
export function escapeMermaid(text: string): string {
  let escaped = "";
  for (const ch of text) {
    escaped += /^[\p{L}\p{N} _.,:+×·-]$/u.test(ch) ? ch : `#${ch.codePointAt(0)!};`;
  }
  return escaped;
}

// Mermaid draws `-.->` dashed; explicit dash patterns keep a fallback (long dashes) apart from a predicate (dots).
const LINK_STYLES = { fallback: "stroke-dasharray:6 4", predicate: "stroke-dasharray:1 4" } as const;

export function renderMermaid(layout: Layout): string {
  const lines = ["flowchart TD"];
  const node = (method: PlanMethod, indent: string): string => {
    const label = labelLines(method, layout.skippable.has(method.name)).map(escapeMermaid).join("<br/>");
    const id = layout.ids.get(method.name)!;
    // Helpers are rounded; parallel methods use the "subroutine" shape: a box with doubled sides.
    if (method.helper) return `${indent}${id}("${label}")`;
    return method.mode === "parallel" ? `${indent}${id}[["${label}"]]` : `${indent}${id}["${label}"]`;
  };
  // The run's input is a stadium, the shape of a terminal point.
  if (layout.runInput) lines.push(`  ${RUN_INPUT_ID}(["${escapeMermaid(RUN_INPUT_LABEL)}"])`);
  for (const method of layout.loose) lines.push(node(method, "  "));
  layout.clusters.forEach((members, i) => {
    lines.push(`  subgraph concurrent_${i}["concurrent"]`);
    for (const method of members) lines.push(node(method, "    "));
    lines.push("  end");
  });
  for (const edge of layout.edges) lines.push(`  ${edgeLine(edge)}`);

  lines.push("  classDef source stroke-width:3px");
  lines.push("  classDef sink stroke-dasharray:5 3");
  lines.push("  classDef lone stroke-width:3px,stroke-dasharray:5 3");
  const roles: NodeRole[] = ["source", "sink", "lone"];
  if (layout.methods.some((method) => method.helper)) {
    lines.push("  classDef helper fill:#f4f4f4");
    roles.push("helper");
  }
  for (const role of roles) {
    const members = layout.methods.filter((method) => layout.roles.get(method.name) === role);
    if (members.length > 0) lines.push(`  class ${members.map((m) => layout.ids.get(m.name)!).join(",")} ${role}`);
  }
  // `linkStyle` counts links in the order they were written.
  for (const kind of ["fallback", "predicate"] as const) {
    const indices = layout.edges.flatMap((edge, i) => (edge.kind === kind ? [i] : []));
    if (indices.length > 0) lines.push(`  linkStyle ${indices.join(",")} ${LINK_STYLES[kind]}`);
  }
  return `${lines.join("\n")}\n`;
}

function edgeLine(edge: DrawnEdge): string {
  const arrow = edge.kind === "fallback" || edge.kind === "predicate" ? "-.->" : "-->";
  const lines = edgeLabelLines(edge);
  const label = lines.length === 0 ? "" : `|"${lines.map(escapeMermaid).join("<br/>")}"|`;
  return `${edge.from} ${arrow}${label} ${edge.to}`;
}
