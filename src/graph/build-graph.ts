import type { Identifier } from "../../grammar/ast.js";
import { RUN_INPUT } from "../../stdlib/plan.js";
import type { FlowGraph, GraphEdge } from "../bind/types.js";

export type ExecutionFlow = "sequential" | "parallel" | "concurrent";

/** What the graph needs to know about one group: its methods (without repeats) and its `execution_flow`. */
export interface GraphGroup {
  readonly methods: readonly Identifier[];
  readonly flow: ExecutionFlow | undefined;
  /** `@input` when it begins this (sequential) group. */
  readonly runInput?: Identifier | undefined;
}

/**
 * Builds the data graph of a manifest.
 *
 * A sequential group is a chain `a → b → c`; chains of several groups are united.
 * Where a chain lists methods that a concurrent group declares concurrent right next
 * to each other, they form one layer instead of a chain: every method of the layer
 * takes the output of the layer before and feeds the layer after
 * (`a, b, c, d` with `b, c` concurrent gives a→b, a→c, b→d, c→d).
 * Every other kind of group contributes nodes only. `@input` at the head of a sequential
 * group feeds the group's first layer; it is no node (see `FlowGraph.runInputs`).
 */
export function buildGraph(groups: readonly GraphGroup[]): FlowGraph {
  const nodes: string[] = [];
  const known = new Set<string>();
  for (const group of groups) {
    for (const method of group.methods) {
      if (!known.has(method.name)) {
        known.add(method.name);
        nodes.push(method.name);
      }
    }
  }

  // Concurrency is looked up through group ids rather than a set of pairs, so that a
  // large concurrent group costs memory in its size, not in its size squared.
  const concurrentGroupsOf = new Map<string, number[]>();
  groups.forEach((group, id) => {
    if (group.flow !== "concurrent" || group.methods.length < 2) return;
    for (const method of group.methods) {
      const ids = concurrentGroupsOf.get(method.name);
      if (ids === undefined) concurrentGroupsOf.set(method.name, [id]);
      else ids.push(id);
    }
  });
  const areConcurrent = (a: string, b: string): boolean => {
    const ofA = concurrentGroupsOf.get(a);
    const ofB = concurrentGroupsOf.get(b);
    if (ofA === undefined || ofB === undefined) return false;
    return ofA.some((id) => ofB.includes(id));
  };

  const edges = new Map<string, GraphEdge>();
  const runInputs = new Map<string, GraphEdge>();
  for (const group of groups) {
    if (group.flow !== "sequential") continue;
    const layers: Identifier[][] = [];
    for (const method of group.methods) {
      const layer = layers[layers.length - 1];
      const previous = layer?.[layer.length - 1];
      if (layer !== undefined && previous !== undefined && areConcurrent(previous.name, method.name)) {
        layer.push(method);
      } else {
        layers.push([method]);
      }
    }
    if (group.runInput !== undefined) {
      for (const to of layers[0] ?? []) {
        if (!runInputs.has(to.name)) runInputs.set(to.name, { from: RUN_INPUT, to: to.name, declaration: to });
      }
    }
    for (let i = 0; i + 1 < layers.length; i++) {
      for (const from of layers[i]!) {
        for (const to of layers[i + 1]!) {
          const key = `${from.name}\u0000${to.name}`;
          if (!edges.has(key)) edges.set(key, { from: from.name, to: to.name, declaration: to });
        }
      }
    }
  }

  return { nodes, edges: [...edges.values()], runInputs: [...runInputs.values()] };
}
