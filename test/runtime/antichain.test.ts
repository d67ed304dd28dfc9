import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maxWeightAntichain as antichainOf } from "../../stdlib/graph/antichain.js";

type Adjacency = { node: number }[][];

/** The graphs here have edges only from lower to higher nodes, so node order is a topological order. */
const maxWeightAntichain = (graph: Adjacency, weight: readonly number[]) =>
  antichainOf(
    graph,
    weight,
    graph.map((_, v) => v),
  );

const dag = (n: number, edges: readonly (readonly [number, number])[]): Adjacency => {
  const out: Adjacency = Array.from({ length: n }, () => []);
  for (const [a, b] of edges) {
    if (a === b) continue;
    const [from, to] = a < b ? [a, b] : [b, a];
    if (!out[from]!.some((x) => x.node === to)) out[from]!.push({ node: to });
  }
  return out;
};

/** reaches[u][v]: a path leads from u to v. */
function closure(graph: Adjacency): boolean[][] {
  const n = graph.length;
  const reaches = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
  for (let u = n - 1; u >= 0; u--) {
    for (const { node } of graph[u]!) {
      reaches[u]![node] = true;
      for (let w = 0; w < n; w++) if (reaches[node]![w]) reaches[u]![w] = true;
    }
  }
  return reaches;
}

function isAntichain(graph: Adjacency, nodes: readonly number[]): boolean {
  const reaches = closure(graph);
  return nodes.every((u) => nodes.every((v) => u === v || !reaches[u]![v]));
}

function bruteForceWeight(graph: Adjacency, weight: readonly number[]): number {
  const n = graph.length;
  const reaches = closure(graph);
  let best = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    const nodes = Array.from({ length: n }, (_, i) => i).filter((i) => (mask >> i) & 1);
    if (!nodes.every((u) => nodes.every((v) => u === v || !reaches[u]![v]))) continue;
    best = Math.max(
      best,
      nodes.reduce((sum, v) => sum + weight[v]!, 0),
    );
  }
  return best;
}

describe("maxWeightAntichain", () => {
  it("picks the two heavy middle methods of a diamond", () => {
    const graph = dag(4, [
      [0, 1],
      [0, 2],
      [1, 3],
      [2, 3],
    ]);
    expect(maxWeightAntichain(graph, [1, 4, 3, 1])).toEqual({ nodes: [1, 2], weight: 7 });
  });

  it("prefers one heavy node over several light ones it is related to", () => {
    // 0 → 1, 0 → 2: {1, 2} weighs 2, {0} weighs 5.
    const graph = dag(3, [
      [0, 1],
      [0, 2],
    ]);
    expect(maxWeightAntichain(graph, [5, 1, 1])).toEqual({ nodes: [0], weight: 5 });
  });

  it("relates nodes through paths, not only through edges", () => {
    // 0 → 1 → 2 with 3 beside: 0 and 2 are related even without an edge between them.
    const graph = dag(4, [
      [0, 1],
      [1, 2],
    ]);
    expect(maxWeightAntichain(graph, [3, 0, 2, 1])).toEqual({ nodes: [0, 3], weight: 4 });
  });

  it("agrees with exhaustive search on small random DAGs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }).chain((n) =>
          fc.tuple(
            fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })), {
              maxLength: 20,
            }),
            fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }),
          ),
        ),
        ([edges, weight]) => {
          const graph = dag(weight.length, edges);
          const result = maxWeightAntichain(graph, weight);
          expect(result.weight).toBe(bruteForceWeight(graph, weight));
          expect(isAntichain(graph, result.nodes)).toBe(true);
          expect(result.nodes.reduce((sum, v) => sum + weight[v]!, 0)).toBe(result.weight);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("handles a long chain without exhausting the call stack", () => {
    const n = 20_000;
    const graph = dag(
      n,
      Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as const),
    );
    const weight = Array.from({ length: n }, (_, i) => (i === 12_345 ? 9 : 1));
    expect(maxWeightAntichain(graph, weight)).toEqual({ nodes: [12_345], weight: 9 });
  });
});
