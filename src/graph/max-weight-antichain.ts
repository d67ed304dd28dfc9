import { FlowNetwork } from "./max-flow.js";
import { topologicalOrder } from "./topological-order.js";

export interface Antichain {
  /** Node indices in increasing order. */
  readonly nodes: readonly number[];
  readonly weight: number;
}

/**
 * The heaviest set of pairwise unrelated nodes of a DAG (no path between any two):
 * the methods that may all be running at the same moment, weighted by their demand.
 *
 * By the weighted form of Dilworth's theorem its weight equals the least flow that
 * covers every node `v` at least `weight[v]` times with source-to-sink paths. That
 * minimum flow is computed by starting from one path per node (flow `Σ weight`) and
 * cancelling as much of it as possible with a maximum flow from sink back to source;
 * the last cut of that maximum flow crosses exactly the nodes of a heaviest antichain.
 * The network has two nodes per method and one arc per edge, so no transitive closure
 * is ever built.
 *
 * `successors` must describe a DAG. Weights must be non-negative.
 */
export function maxWeightAntichain(
  successors: readonly (readonly { readonly node: number }[])[],
  weight: readonly number[],
): Antichain {
  const n = successors.length;
  const source = 0;
  const sink = 1;
  const entry = (v: number): number => 2 + 2 * v;
  const exit = (v: number): number => 3 + 2 * v;

  // A good starting flow leaves little to cancel: walk the nodes in topological order and
  // feed each one from its predecessors' unused output before drawing anything new from
  // the source (a greedy chain cover). One path per node would be valid too, but cancelling
  // it takes Dinic's algorithm many long phases on wide, deep graphs.
  const unused = weight.slice(0, n);
  const fromSource = new Array<number>(n).fill(0);
  const edgeFlow: number[][] = successors.map((adjacent) => adjacent.map(() => 0));
  const incoming: { from: number; slot: number }[][] = Array.from({ length: n }, () => []);
  successors.forEach((adjacent, u) => adjacent.forEach((a, slot) => incoming[a.node]!.push({ from: u, slot })));
  for (const v of topologicalOrder(successors)) {
    let need = weight[v]!;
    for (const { from, slot } of incoming[v]!) {
      if (need === 0) break;
      const take = Math.min(need, unused[from]!);
      if (take === 0) continue;
      unused[from]! -= take;
      edgeFlow[from]![slot]! += take;
      need -= take;
    }
    fromSource[v] = need;
  }

  // Each arc of the lower-bounded network is added with the residual capacities of the
  // starting flow: forward `capacity - flow` (always infinite here), backward `flow - lowerBound`.
  const network = new FlowNetwork(2 + 2 * n);
  let total = 0;
  for (let v = 0; v < n; v++) {
    total += fromSource[v]!;
    network.addArcPair(source, entry(v), Infinity, fromSource[v]!);
    network.addArcPair(entry(v), exit(v), Infinity, 0);
    network.addArcPair(exit(v), sink, Infinity, unused[v]!);
    successors[v]!.forEach((a, slot) => network.addArcPair(exit(v), entry(a.node), Infinity, edgeFlow[v]![slot]!));
  }

  const cancelled = network.maxFlow(sink, source);
  const reachable = network.reachableFrom(sink);
  const nodes: number[] = [];
  for (let v = 0; v < n; v++) {
    if (reachable[exit(v)] === 1 && reachable[entry(v)] === 0) nodes.push(v);
  }
  return { nodes, weight: total - cancelled };
}
