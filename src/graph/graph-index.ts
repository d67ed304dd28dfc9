import type { FlowGraph, GraphEdge } from "../bind/types.js";

/** An outgoing or incoming edge seen from one node, by node index. */
export interface Adjacent {
  readonly node: number;
  readonly edge: GraphEdge;
  /** Position of the edge in `FlowGraph.edges` (its declaration order). */
  readonly order: number;
}

/**
 * A `FlowGraph` with nodes numbered in order of first mention and adjacency lists,
 * so that graph algorithms work on integers and arrays instead of names.
 */
export interface GraphIndex {
  readonly names: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  readonly successors: readonly (readonly Adjacent[])[];
  readonly predecessors: readonly (readonly Adjacent[])[];
}

export function indexGraph(graph: FlowGraph): GraphIndex {
  const names = [...graph.nodes];
  const indexOf = new Map<string, number>();
  names.forEach((name, i) => indexOf.set(name, i));
  const successors: Adjacent[][] = names.map(() => []);
  const predecessors: Adjacent[][] = names.map(() => []);
  graph.edges.forEach((edge, order) => {
    const from = indexOf.get(edge.from);
    const to = indexOf.get(edge.to);
    // An edge to a name that is not a node cannot come from buildGraph; ignore it rather than fail.
    if (from === undefined || to === undefined) return;
    successors[from]!.push({ node: to, edge, order });
    predecessors[to]!.push({ node: from, edge, order });
  });
  return { names, indexOf, successors, predecessors };
}
