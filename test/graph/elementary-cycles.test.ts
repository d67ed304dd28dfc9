import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { elementaryCycles } from "../../src/graph/elementary-cycles.js";

type Adjacency = { node: number }[][];

const adjacency = (n: number, edges: readonly (readonly [number, number])[]): Adjacency => {
  const out: Adjacency = Array.from({ length: n }, () => []);
  for (const [from, to] of edges) if (!out[from]!.some((a) => a.node === to)) out[from]!.push({ node: to });
  return out;
};

/** Every elementary cycle by exhaustive search, each started at its smallest node. */
function bruteForceCycles(graph: Adjacency): string[] {
  const found: string[] = [];
  const walk = (start: number, path: number[]): void => {
    const last = path[path.length - 1]!;
    for (const { node } of graph[last]!) {
      if (node === start) found.push(path.join(","));
      else if (node > start && !path.includes(node)) walk(start, [...path, node]);
    }
  };
  for (let start = 0; start < graph.length; start++) walk(start, [start]);
  return found.sort();
}

const complete = (n: number): Adjacency =>
  adjacency(
    n,
    Array.from({ length: n * n }, (_, k) => [Math.floor(k / n), k % n] as const).filter(([a, b]) => a !== b),
  );

describe("elementaryCycles", () => {
  it("finds nothing in a DAG", () => {
    expect(
      elementaryCycles(
        adjacency(4, [
          [0, 1],
          [1, 2],
          [0, 2],
          [2, 3],
        ]),
        100,
      ),
    ).toEqual([]);
  });

  it("finds all 20 cycles of the complete digraph on four nodes", () => {
    // 6 two-cycles + 4·2 three-cycles + 6 four-cycles.
    const cycles = elementaryCycles(complete(4), 100);
    expect(cycles).toHaveLength(20);
    expect(cycles.map((c) => c.join(",")).sort()).toEqual(bruteForceCycles(complete(4)));
  });

  it("lists each cycle from its smallest node along the edges", () => {
    expect(
      elementaryCycles(
        adjacency(3, [
          [2, 0],
          [0, 1],
          [1, 2],
        ]),
        10,
      ),
    ).toEqual([[0, 1, 2]]);
  });

  it("finds a self-loop", () => {
    expect(
      elementaryCycles(
        adjacency(2, [
          [0, 1],
          [1, 1],
        ]),
        10,
      ),
    ).toEqual([[1]]);
  });

  it("stops at the limit", () => {
    expect(elementaryCycles(complete(7), 25)).toHaveLength(25);
  });

  it("agrees with exhaustive search on small random graphs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })), {
              maxLength: 14,
            }),
          ),
        ),
        ([n, edges]) => {
          const graph = adjacency(n, edges);
          const cycles = elementaryCycles(graph, 10_000).map((c) => c.join(","));
          expect(cycles.slice().sort()).toEqual(bruteForceCycles(graph));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("walks a very long cycle without exhausting the call stack", () => {
    const n = 50_000;
    const graph = adjacency(
      n,
      Array.from({ length: n }, (_, i) => [i, (i + 1) % n] as const),
    );
    const cycles = elementaryCycles(graph, 10);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(n);
  });
});
