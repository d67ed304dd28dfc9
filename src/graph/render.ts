import type { PlanDescriptor, PlanMethod } from "../../stdlib/plan.js";

export type GraphFormat = "mermaid" | "dot";

/**
 * Draws a plan as a flowchart: one node per method, one arrow per edge, concurrent
 * methods boxed together. Parallel methods are drawn differently and labelled with
 * their workers (`×4` or `×4..8`) and shard size; retries and timeouts appear in the
 * label; sources and sinks are styled apart.
 *
 * Nodes get generated ids (`m0`, `m1`, … in plan order) and every label is escaped,
 * so no method or plan name can break out of the output's syntax.
 */
export function renderGraph(plan: PlanDescriptor, format: GraphFormat): string {
  const layout = layOut(plan);
  return format === "dot" ? renderDot(plan, layout) : renderMermaid(layout);
}

interface Layout {
  readonly ids: ReadonlyMap<string, string>;
  readonly methods: readonly PlanMethod[];
  /** Methods of overlapping concurrent groups, two or more per cluster, in plan order. */
  readonly clusters: readonly (readonly PlanMethod[])[];
  readonly loose: readonly PlanMethod[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  readonly sources: ReadonlySet<string>;
  readonly sinks: ReadonlySet<string>;
}

function layOut(plan: PlanDescriptor): Layout {
  const ids = new Map<string, string>();
  plan.methods.forEach((method, i) => ids.set(method.name, `m${i}`));

  // Concurrent declarations may overlap (`b, c` and `c, d`); a node can sit in one box
  // only, so overlapping declarations share one box.
  const parent = plan.methods.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const position = new Map<string, number>();
  plan.methods.forEach((method, i) => position.set(method.name, i));
  for (const group of plan.concurrent) {
    const first = position.get(group[0] ?? "");
    if (first === undefined) continue;
    for (const member of group) {
      const j = position.get(member);
      if (j === undefined) continue;
      const a = root(first);
      const b = root(j);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const byRoot = new Map<number, PlanMethod[]>();
  plan.methods.forEach((method, i) => {
    const r = root(i);
    const members = byRoot.get(r);
    if (members === undefined) byRoot.set(r, [method]);
    else members.push(method);
  });
  const clusters = [...byRoot.values()].filter((members) => members.length > 1);
  const clustered = new Set(clusters.flat().map((method) => method.name));

  return {
    ids,
    methods: plan.methods,
    clusters,
    loose: plan.methods.filter((method) => !clustered.has(method.name)),
    edges: plan.edges.filter((edge) => ids.has(edge.from) && ids.has(edge.to)),
    sources: new Set(plan.sources),
    sinks: new Set(plan.sinks),
  };
}

/** The lines of a method's label: its name, then its workers, shard size, retries and timeout when set. */
function labelLines(method: PlanMethod): string[] {
  const details: string[] = [];
  if (method.mode === "parallel") {
    details.push(method.maxWorkers === null ? `×${method.minWorkers}` : `×${method.minWorkers}..${method.maxWorkers}`);
    if (method.shardSize !== null) details.push(`shards of ${method.shardSize}`);
  }
  if (method.retries > 0) details.push(`retries ${method.retries}`);
  if (method.timeoutMs !== null) details.push(`timeout ${formatDuration(method.timeoutMs)}`);
  return details.length === 0 ? [method.name] : [method.name, details.join(" · ")];
}

function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function role(layout: Layout, method: PlanMethod): "source" | "sink" | "lone" | undefined {
  const source = layout.sources.has(method.name);
  const sink = layout.sinks.has(method.name);
  return source && sink ? "lone" : source ? "source" : sink ? "sink" : undefined;
}

// ── Mermaid ──────────────────────────────────────────────────────────────

/**
 * Mermaid reads `#<decimal>;` as a character reference inside a quoted label; every
 * character outside a small safe set is written that way (quotes, brackets, `#`, `<`…).
 */
function escapeMermaid(text: string): string {
  let escaped = "";
  for (const ch of text) {
    escaped += /^[\p{L}\p{N} _.,:+×·-]$/u.test(ch) ? ch : `#${ch.codePointAt(0)!};`;
  }
  return escaped;
}

function renderMermaid(layout: Layout): string {
  const lines = ["flowchart TD"];
  const node = (method: PlanMethod, indent: string): string => {
    const label = labelLines(method).map(escapeMermaid).join("<br/>");
    const id = layout.ids.get(method.name)!;
    // Parallel methods use the "subroutine" shape: a box with doubled sides.
    return method.mode === "parallel" ? `${indent}${id}[["${label}"]]` : `${indent}${id}["${label}"]`;
  };
  for (const method of layout.loose) lines.push(node(method, "  "));
  layout.clusters.forEach((members, i) => {
    lines.push(`  subgraph concurrent_${i}["concurrent"]`);
    for (const method of members) lines.push(node(method, "    "));
    lines.push("  end");
  });
  for (const edge of layout.edges) lines.push(`  ${layout.ids.get(edge.from)!} --> ${layout.ids.get(edge.to)!}`);

  lines.push("  classDef source stroke-width:3px");
  lines.push("  classDef sink stroke-dasharray:5 3");
  lines.push("  classDef lone stroke-width:3px,stroke-dasharray:5 3");
  for (const kind of ["source", "sink", "lone"] as const) {
    const members = layout.methods.filter((method) => role(layout, method) === kind);
    if (members.length > 0) lines.push(`  class ${members.map((m) => layout.ids.get(m.name)!).join(",")} ${kind}`);
  }
  return `${lines.join("\n")}\n`;
}

// ── Graphviz dot ─────────────────────────────────────────────────────────

/** A dot double-quoted string: backslashes and quotes escaped, line breaks as `\n`. */
function quoteDot(text: string): string {
  return `"${text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, "\\n")}"`;
}

function renderDot(plan: PlanDescriptor, layout: Layout): string {
  const lines = [`digraph ${quoteDot(plan.name)} {`, "  rankdir=TB;", '  node [shape=box, fontname="Helvetica"];'];
  const node = (method: PlanMethod, indent: string): string => {
    const attributes = [`label=${quoteDot(labelLines(method).join("\n"))}`];
    // Parallel methods are drawn as stacked boxes; sources get a heavy border, sinks a double one.
    if (method.mode === "parallel") attributes.push("shape=box3d");
    const kind = role(layout, method);
    if (kind === "source" || kind === "lone") attributes.push("penwidth=2");
    if (kind === "sink" || kind === "lone") attributes.push("peripheries=2");
    return `${indent}${layout.ids.get(method.name)!} [${attributes.join(", ")}];`;
  };
  for (const method of layout.loose) lines.push(node(method, "  "));
  layout.clusters.forEach((members, i) => {
    lines.push(`  subgraph cluster_concurrent_${i} {`);
    lines.push('    label="concurrent";');
    lines.push("    style=dashed;");
    for (const method of members) lines.push(node(method, "    "));
    lines.push("  }");
  });
  for (const edge of layout.edges) lines.push(`  ${layout.ids.get(edge.from)!} -> ${layout.ids.get(edge.to)!};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
