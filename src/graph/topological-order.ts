/**
 * A stable topological order (Kahn's algorithm): among the nodes that are ready,
 * the smallest index goes first (the largest with `largestFirst`), so the order
 * follows first mention wherever the edges allow. Nodes on a cycle, which no
 * topological order can hold, follow at the end in index order, so that the result
 * is always a permutation of all nodes.
 */
export function topologicalOrder(
  successors: readonly (readonly { readonly node: number }[])[],
  largestFirst = false,
): number[] {
  const n = successors.length;
  const inDegree = new Int32Array(n);
  for (const adjacent of successors) for (const a of adjacent) inDegree[a.node]! += 1;

  // The heap hands out its smallest key; negated keys make it hand out the largest node.
  const key = largestFirst ? (v: number) => -v : (v: number) => v;
  const ready = new MinHeap();
  for (let v = 0; v < n; v++) if (inDegree[v] === 0) ready.push(key(v));
  const order: number[] = [];
  const placed = new Uint8Array(n);
  while (ready.size > 0) {
    const v = key(ready.pop());
    order.push(v);
    placed[v] = 1;
    for (const a of successors[v]!) {
      inDegree[a.node]! -= 1;
      if (inDegree[a.node] === 0) ready.push(key(a.node));
    }
  }
  for (let v = 0; v < n; v++) if (placed[v] === 0) order.push(v);
  return order;
}

/** A binary min-heap of integers. */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const items = this.items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= value) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= items.length) break;
        const right = left + 1;
        const child = right < items.length && items[right]! < items[left]! ? right : left;
        if (items[child]! >= last) break;
        items[i] = items[child]!;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}
