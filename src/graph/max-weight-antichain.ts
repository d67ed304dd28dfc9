import { FlowNetwork } from "./max-flow.js";

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
  const network = new FlowNetwork(2 + 2 * n);

  // Each arc of the lower-bounded network is added with the residual capacities of the
  // starting flow: forward `capacity - flow`, backward `flow - lowerBound`.
  let total = 0;
  for (let v = 0; v < n; v++) {
    const w = weight[v]!;
    total += w;
    network.addArcPair(source, entry(v), Infinity, w);
    network.addArcPair(entry(v), exit(v), Infinity, 0);
    network.addArcPair(exit(v), sink, Infinity, w);
    for (const a of successors[v]!) network.addArcPair(exit(v), entry(a.node), Infinity, 0);
  }

  const cancelled = network.maxFlow(sink, source);
  const reachable = network.reachableFrom(sink);
  const nodes: number[] = [];
  for (let v = 0; v < n; v++) {
    if (reachable[exit(v)] === 1 && reachable[entry(v)] === 0) nodes.push(v);
  }
  return { nodes, weight: total - cancelled };
}
