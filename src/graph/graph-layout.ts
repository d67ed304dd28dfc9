/**
 * What `flowc graph` draws of a plan, worked out once for both output formats: node ids,
 * concurrent boxes, each node's role, and every edge with its kind and label.
 */
import { RUN_INPUT, type PlanDescriptor, type PlanMethod } from "../../stdlib/plan.js";
import { skippableMethods } from "../../stdlib/skippable.js";
import type { EdgeType } from "../typecheck/types.js";

/** Id of the run's input node; method ids are `m0`, `m1`, … so it never collides with one. */
export const RUN_INPUT_ID = "input";

/**
 * `data`: a value flows (labelled with the discriminant values it carries after a `branch_on`);
 * `input`: the run's input reaches a method that takes `@input`; `fallback`: method → its
 * fallback; `predicate`: a `run_if` predicate → the method it guards.
 */
export type EdgeKind = "data" | "input" | "fallback" | "predicate";

/** One arrow between node ids, with its label (`undefined`: none). */
export interface DrawnEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly label: string | undefined;
  /** What travels along a `data` or `input` edge, as TypeScript prints it, when the types were read. */
  readonly type: string | undefined;
}

/** How a node is styled apart: the plan's sources and sinks, a method that is both (`lone`), helpers. */
export type NodeRole = "source" | "sink" | "lone" | "helper";

export interface Layout {
  readonly ids: ReadonlyMap<string, string>;
  readonly methods: readonly PlanMethod[];
  /** Methods of overlapping concurrent groups, two or more per cluster, in plan order. */
  readonly clusters: readonly (readonly PlanMethod[])[];
  readonly loose: readonly PlanMethod[];
  /** Whether some method takes the run's input as `@input` (then a "run input" node is drawn). */
  readonly runInput: boolean;
  /** Edges from the run input, then data edges in plan order, then fallbacks, then predicates. */
  readonly edges: readonly DrawnEdge[];
  readonly roles: ReadonlyMap<string, NodeRole>;
  /** Methods a run may skip ({@link skippableMethods}). */
  readonly skippable: ReadonlySet<string>;
}

/** `edgeTypes`: what travels along each edge (see `TypedPlan.edges`), to draw on it; none without. */
export function layOut(plan: PlanDescriptor, edgeTypes: readonly EdgeType[] = []): Layout {
  const ids = new Map<string, string>();
  plan.methods.forEach((method, i) => ids.set(method.name, `m${i}`));
  const clusters = concurrentClusters(plan);
  const clustered = new Set(clusters.flat().map((method) => method.name));
  const id = (name: string): string | undefined => ids.get(name);

  const typeOf = new Map(edgeTypes.map((edge) => [`${edge.sender}\0${edge.receiver}`, edge.type]));
  const type = (sender: string, receiver: string) => typeOf.get(`${sender}\0${receiver}`);
  const edges: DrawnEdge[] = [];
  for (const method of plan.methods) {
    if (method.inputs.includes(RUN_INPUT)) {
      const drawn = { from: RUN_INPUT_ID, to: id(method.name)!, kind: "input", label: undefined } as const;
      edges.push({ ...drawn, type: type(RUN_INPUT, method.name) });
    }
  }
  const byName = new Map(plan.methods.map((method) => [method.name, method] as const));
  for (const edge of plan.edges) {
    const [from, to] = [id(edge.from), id(edge.to)];
    if (from === undefined || to === undefined) continue;
    const label = branchLabel(byName.get(edge.from), edge.to);
    edges.push({ from, to, kind: "data", label, type: type(edge.from, edge.to) });
  }
  for (const method of plan.methods) {
    const fallback = method.fallback === null ? undefined : id(method.fallback);
    if (fallback !== undefined)
      edges.push({ from: id(method.name)!, to: fallback, kind: "fallback", label: "fallback", type: undefined });
  }
  for (const method of plan.methods) {
    const predicate = method.runIf === null ? undefined : id(method.runIf);
    if (predicate !== undefined)
      edges.push({ from: predicate, to: id(method.name)!, kind: "predicate", label: "run_if", type: undefined });
  }

  const sources = new Set(plan.sources);
  const sinks = new Set(plan.sinks);
  const roles = new Map<string, NodeRole>();
  for (const method of plan.methods) {
    const [source, sink] = [sources.has(method.name), sinks.has(method.name)];
    // A helper is in no data flow: whatever lists name it, it is neither source nor sink.
    const role = method.helper ? "helper" : source && sink ? "lone" : source ? "source" : sink ? "sink" : undefined;
    if (role !== undefined) roles.set(method.name, role);
  }

  return {
    ids,
    methods: plan.methods,
    clusters,
    loose: plan.methods.filter((method) => !clustered.has(method.name)),
    runInput: edges.some((edge) => edge.kind === "input"),
    edges,
    roles,
    skippable: skippableMethods(plan),
  };
}

/** The lines of an edge's label: its own label, then the type it carries; none for neither. */
export function edgeLabelLines(edge: DrawnEdge): string[] {
  return [edge.label, edge.type].filter((line) => line !== undefined);
}

/**
 * The discriminant values an edge out of a `branch_on` method carries: `kind = "a" | "b"`
 * (values as JSON literals), or `branch_on kind` when the types that decide them were not
 * read; `undefined` for an edge out of any other method.
 */
export function branchLabel(from: PlanMethod | undefined, to: string): string | undefined {
  const values = from?.branch?.routes[to];
  if (from?.branch == null || values === undefined) return undefined;
  if (values.length === 0) return `branch_on ${from.branch.property}`;
  return `${from.branch.property} = ${values.map((value) => JSON.stringify(value)).join(" | ")}`;
}

/**
 * Concurrent declarations may overlap (`b, c` and `c, d`); a node can sit in one box
 * only, so overlapping declarations share one box.
 */
function concurrentClusters(plan: PlanDescriptor): PlanMethod[][] {
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
  return [...byRoot.values()].filter((members) => members.length > 1);
}
