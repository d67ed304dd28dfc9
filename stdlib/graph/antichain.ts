/**
 * The heaviest set of methods that can run at the same time: what a plan needs of
 * workers at once. One implementation, for the compiler (`flowc check --workers`,
 * FLOW3009/3010) and the runtime (a runner's `workers`), so the two always agree.
 */
import { FlowNetwork } from "./flow-network.js";

export interface Antichain {
  /** Node indices in increasing order. */
  readonly nodes: readonly number[];
  readonly weight: number;
}

/** Successor lists of a DAG, by node index. */
export type Successors = readonly (readonly { readonly node: number }[])[];

/**
 * Up to this many nodes plus edges the heaviest antichain is computed exactly; beyond
 * it, the heaviest topological stage stands in (see `heaviestSimultaneous`).
 */
export const exactAntichainLimit = 10_000;

/**
 * The heaviest set of pairwise unrelated nodes (no path between any two), each node
 * weighing `weight[v]`: exactly (`maxWeightAntichain`) up to `exactAntichainLimit`
 * nodes and edges, and past it the heaviest stage of nodes at the same longest
 * distance from a source — a true antichain, so whatever it finds is a real overload,
 * at the price of possibly missing one that only a mix of stages reaches.
 *
 * `order` is a topological order of the nodes; the nodes found come in that order.
 */
export function heaviestSimultaneous(
  successors: Successors,
  weight: readonly number[],
  order: readonly number[],
): Antichain {
  // Numbered by `order`, with each node's successors in that order too: equal-weight sets are
  // then told apart the same way whoever asks (the compiler numbers by first mention, a plan by
  // position), and the nodes come out in that order.
  const position = new Int32Array(successors.length);
  order.forEach((v, i) => (position[v] = i));
  const renumbered = order.map((v) =>
    successors[v]!.map((a) => ({ node: position[a.node]! })).sort((a, b) => a.node - b.node),
  );
  const weights = order.map((v) => weight[v]!);
  const identity = order.map((_, i) => i);
  const size = renumbered.reduce((sum, adjacent) => sum + 1 + adjacent.length, 0);
  const heaviest =
    size <= exactAntichainLimit
      ? maxWeightAntichain(renumbered, weights, identity)
      : heaviestStage(renumbered, weights, identity);
  return { nodes: heaviest.nodes.map((i) => order[i]!), weight: heaviest.weight };
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
 * `successors` must describe a DAG and `order` be a topological order of it. Weights
 * must be non-negative.
 */
export function maxWeightAntichain(
  successors: Successors,
  weight: readonly number[],
  order: readonly number[],
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
  for (const v of order) {
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

/** The heaviest set of nodes at the same longest distance from a source (a topological stage). */
function heaviestStage(successors: Successors, weight: readonly number[], order: readonly number[]): Antichain {
  const level = new Array<number>(successors.length).fill(0);
  for (const v of order) for (const a of successors[v]!) level[a.node] = Math.max(level[a.node]!, level[v]! + 1);
  const stages = new Map<number, number[]>();
  level.forEach((l, v) => {
    const stage = stages.get(l);
    if (stage === undefined) stages.set(l, [v]);
    else stage.push(v);
  });
  let best: Antichain = { nodes: [], weight: 0 };
  for (const nodes of stages.values()) {
    const total = nodes.reduce((sum, v) => sum + weight[v]!, 0);
    if (total > best.weight) best = { nodes, weight: total };
  }
  return best;
}
