import { describe, expect, it } from "vitest";
import { topologicalOrder } from "../../src/graph/topological-order.js";

const graph = (n: number, edges: [number, number][]) => {
  const out: { node: number }[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of edges) out[a]!.push({ node: b });
  return out;
};

describe("topologicalOrder", () => {
  it("puts the smallest ready node first", () => {
    // 3 → 0 and 2 → 1: 2 and 3 are ready first; 2 goes before 3, and 1 becomes ready before 0.
    expect(
      topologicalOrder(
        graph(4, [
          [3, 0],
          [2, 1],
        ]),
      ),
    ).toEqual([2, 1, 3, 0]);
  });

  it("puts the largest ready node first when asked", () => {
    expect(
      topologicalOrder(
        graph(4, [
          [3, 0],
          [2, 1],
        ]),
        true,
      ),
    ).toEqual([3, 2, 1, 0]);
    expect(topologicalOrder(graph(3, [[0, 2]]), true)).toEqual([1, 0, 2]);
  });

  it("appends the nodes of a cycle in index order instead of dropping them", () => {
    expect(
      topologicalOrder(
        graph(4, [
          [1, 2],
          [2, 1],
          [0, 1],
          [2, 3],
        ]),
      ),
    ).toEqual([0, 1, 2, 3]);
  });
});
