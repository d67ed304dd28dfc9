import { createHash } from "node:crypto";
import { PLAN_FORMAT, RUN_INPUT, type PlanDescriptor, type PlanEdge, type PlanMethod } from "../../stdlib/plan.js";
import type { FlowGraph, MethodSettings } from "../bind/types.js";
import { indexGraph } from "../graph/graph-index.js";
import { topologicalOrder } from "../graph/topological-order.js";
import type { Resolution } from "../resolve/types.js";
import { canonicalJson } from "./canonical-json.js";
import { minimumWorkers } from "./minimum-workers.js";

/**
 * Turns a checked graph into the plan the runtime executes.
 *
 * Everything is ordered by a stable topological order (ties broken by first mention),
 * so the same manifest always gives the same plan, byte for byte, and the same hash.
 * `takesInput` is `true` for every method, `optional` empty and each branch's routes empty:
 * only the type-checker knows better. Predicates and fallbacks that are in no flow follow
 * the methods, as helpers, in the order they are first named.
 */
export function buildPlan(
  name: string,
  graph: FlowGraph,
  settings: ReadonlyMap<string, MethodSettings>,
  resolution: Resolution,
  concurrentGroups: readonly (readonly string[])[] = [],
): PlanDescriptor {
  const index = indexGraph(graph);
  const order = topologicalOrder(index.successors);
  const position = new Int32Array(order.length);
  order.forEach((v, i) => (position[v] = i));
  const byPosition = (a: number, b: number): number => position[a]! - position[b]!;

  const fedByRunInput = new Set((graph.runInputs ?? []).map((edge) => edge.to));
  const nodes: PlanMethod[] = order.map((v) => {
    const methodName = index.names[v]!;
    const method = settings.get(methodName);
    const binding = resolution.bindings.get(methodName);
    const parallel = method?.mode === "parallel";
    const predecessors = index.predecessors[v]!.map((a) => a.node)
      .sort(byPosition)
      .map((u) => index.names[u]!);
    const branchOn = method?.branchOn;
    return {
      name: methodName,
      module: binding?.module ?? `./${name}.methods`,
      exportName: binding?.exportName ?? methodName,
      mode: parallel ? "parallel" : "single",
      minWorkers: minimumWorkers(method),
      maxWorkers: parallel ? (method?.maxWorkers ?? null) : null,
      retries: method?.retries ?? 0,
      timeoutMs: method?.timeoutMs ?? null,
      shardSize: parallel ? (method?.shardSize ?? null) : null,
      takesInput: true,
      inputs: fedByRunInput.has(methodName) ? [RUN_INPUT, ...predecessors] : predecessors,
      helper: false,
      runIf: method?.runIf ?? null,
      fallback: method?.fallback ?? null,
      onError: method?.onError ?? "fail",
      maxFailures: parallel ? (method?.maxFailures ?? null) : null,
      branch:
        branchOn === undefined
          ? null
          : {
              property: branchOn,
              routes: Object.fromEntries(index.successors[v]!.map((a) => [index.names[a.node]!, []] as const)),
            },
      optional: [],
      cache: method?.cache ?? true,
      codeHash: null,
    };
  });
  const methods = [...nodes, ...helpersOf(nodes, name, resolution)];

  const edges: PlanEdge[] = graph.edges
    .map((edge) => ({ from: index.indexOf.get(edge.from)!, to: index.indexOf.get(edge.to)! }))
    .sort((a, b) => byPosition(a.to, b.to) || byPosition(a.from, b.from))
    .map((edge) => ({ from: index.names[edge.from]!, to: index.names[edge.to]! }));

  const sources = order
    .filter((v) => index.predecessors[v]!.length === 0 && !fedByRunInput.has(index.names[v]!))
    .map((v) => index.names[v]!);
  const sinks = order.filter((v) => index.successors[v]!.length === 0).map((v) => index.names[v]!);

  // Each group's names in plan order, the groups in the order they were declared.
  const concurrent = concurrentGroups.map((group) =>
    group
      .map((member) => index.indexOf.get(member)!)
      .sort(byPosition)
      .map((v) => index.names[v]!),
  );

  const body: Omit<PlanDescriptor, "hash"> = {
    format: PLAN_FORMAT,
    name,
    methods,
    edges,
    sources,
    sinks,
    concurrent,
    jsonSafe: false,
  };
  return {
    format: PLAN_FORMAT,
    name,
    hash: planHash(body),
    methods,
    edges,
    sources,
    sinks,
    concurrent,
    jsonSafe: false,
  };
}

/**
 * The predicates and fallbacks that are no method of the flow, each once, in the order the
 * methods name them: called with the input of the methods they serve, they run as those do
 * (per item when one of them is parallel), without retries or a timeout of their own.
 */
function helpersOf(nodes: readonly PlanMethod[], name: string, resolution: Resolution): PlanMethod[] {
  const inFlow = new Set(nodes.map((method) => method.name));
  const helpers = new Map<string, PlanMethod>();
  for (const method of nodes) {
    for (const helper of [method.runIf, method.fallback]) {
      if (helper === null || inFlow.has(helper)) continue;
      const known = helpers.get(helper);
      if (known !== undefined) {
        if (method.mode === "parallel") helpers.set(helper, { ...known, mode: "parallel" });
        continue;
      }
      const binding = resolution.bindings.get(helper);
      helpers.set(helper, {
        name: helper,
        module: binding?.module ?? `./${name}.methods`,
        exportName: binding?.exportName ?? helper,
        mode: method.mode,
        minWorkers: 1,
        maxWorkers: null,
        retries: 0,
        timeoutMs: null,
        shardSize: null,
        takesInput: true,
        inputs: [],
        helper: true,
        runIf: null,
        fallback: null,
        onError: "fail",
        maxFailures: null,
        branch: null,
        optional: [],
        cache: true,
        codeHash: null,
      });
    }
  }
  return [...helpers.values()];
}

/** The `hash` of a plan: hex sha256 of the canonical JSON of everything else in it. */
export function planHash(body: Omit<PlanDescriptor, "hash">): string {
  return createHash("sha256").update(canonicalJson(body)).digest("hex");
}
