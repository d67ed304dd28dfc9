import { isCyclicComponent, stronglyConnectedComponents } from "./strongly-connected.js";

/**
 * Every elementary cycle of a directed graph, at most `limit` of them (Johnson, 1975).
 *
 * Johnson's search spends O(nodes + edges) between two cycles it finds, so the bound on
 * the number of cycles bounds the time too; a graph can have exponentially many cycles,
 * and past a few dozen more of them would not help the reader anyway.
 *
 * Each cycle is listed from its smallest node, following the edges; the last node has
 * an edge back to the first. Cycles come out in a deterministic order.
 */
export function elementaryCycles(
  successors: readonly (readonly { readonly node: number }[])[],
  limit: number,
): number[][] {
  const n = successors.length;
  const cycles: number[][] = [];
  if (limit <= 0) return cycles;

  const blocked = new Uint8Array(n);
  const blockedBy: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  const inComponent = new Uint8Array(n);

  const unblock = (start: number): void => {
    const pending = [start];
    while (pending.length > 0) {
      const u = pending.pop()!;
      if (blocked[u] === 0) continue;
      blocked[u] = 0;
      const waiting = blockedBy[u]!;
      for (const w of waiting) pending.push(w);
      waiting.clear();
    }
  };

  let start = 0;
  while (start < n && cycles.length < limit) {
    // The component that holds the least node among the non-trivial components of the
    // subgraph induced by the nodes `start..n-1`.
    const from = start;
    const components = stronglyConnectedComponents(successors, (v) => v >= from).filter((c) =>
      isCyclicComponent(c, successors),
    );
    let best: number[] | undefined;
    let bestLeast = Infinity;
    for (const component of components) {
      let least = Infinity;
      for (const v of component) least = Math.min(least, v);
      if (least < bestLeast) {
        bestLeast = least;
        best = component;
      }
    }
    if (best === undefined) break;
    start = bestLeast;
    for (const v of best) {
      inComponent[v] = 1;
      blocked[v] = 0;
      blockedBy[v]!.clear();
    }

    // Iterative form of Johnson's CIRCUIT(v).
    const path: number[] = [start];
    const nextEdge: number[] = [0];
    const found: boolean[] = [false];
    blocked[start] = 1;
    while (path.length > 0 && cycles.length < limit) {
      const depth = path.length - 1;
      const v = path[depth]!;
      const adjacent = successors[v]!;
      const i = nextEdge[depth]!;
      if (i < adjacent.length) {
        nextEdge[depth] = i + 1;
        const w = adjacent[i]!.node;
        if (inComponent[w] === 0 || w < start) continue;
        if (w === start) {
          cycles.push([...path]);
          found[depth] = true;
        } else if (blocked[w] === 0) {
          path.push(w);
          nextEdge.push(0);
          found.push(false);
          blocked[w] = 1;
        }
        continue;
      }
      const closed = found[depth]!;
      if (closed) {
        unblock(v);
      } else {
        for (const a of adjacent) {
          if (inComponent[a.node] === 1 && a.node >= start) blockedBy[a.node]!.add(v);
        }
      }
      path.pop();
      nextEdge.pop();
      found.pop();
      if (closed && found.length > 0) found[found.length - 1] = true;
    }

    for (const v of best) inComponent[v] = 0;
    start += 1;
  }
  return cycles;
}
