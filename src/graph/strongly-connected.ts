/**
 * Strongly connected components (Tarjan), over the nodes `0..n-1` for which
 * `include` holds. Iterative, so that a long chain cannot overflow the call stack.
 * Components come out in reverse topological order; nodes within one component in
 * the order the search closed them.
 */
export function stronglyConnectedComponents(
  successors: readonly (readonly { readonly node: number }[])[],
  include: (node: number) => boolean = () => true,
): number[][] {
  const n = successors.length;
  const index = new Int32Array(n).fill(-1);
  const lowLink = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;

  const frameNode: number[] = [];
  const frameNext: number[] = [];

  for (let root = 0; root < n; root++) {
    if (index[root] !== -1 || !include(root)) continue;
    frameNode.push(root);
    frameNext.push(0);
    index[root] = lowLink[root] = counter++;
    stack.push(root);
    onStack[root] = 1;

    while (frameNode.length > 0) {
      const top = frameNode.length - 1;
      const v = frameNode[top]!;
      const adjacent = successors[v]!;
      const next = frameNext[top]!;
      if (next < adjacent.length) {
        frameNext[top] = next + 1;
        const w = adjacent[next]!.node;
        if (!include(w)) continue;
        if (index[w] === -1) {
          index[w] = lowLink[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          frameNode.push(w);
          frameNext.push(0);
        } else if (onStack[w] === 1) {
          lowLink[v] = Math.min(lowLink[v]!, index[w]!);
        }
        continue;
      }
      frameNode.pop();
      frameNext.pop();
      if (frameNode.length > 0) {
        const parent = frameNode[frameNode.length - 1]!;
        lowLink[parent] = Math.min(lowLink[parent]!, lowLink[v]!);
      }
      if (lowLink[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
    }
  }
  return components;
}

/** Whether a component holds a cycle: more than one node, or one node with an edge to itself. */
export function isCyclicComponent(
  component: readonly number[],
  successors: readonly (readonly { readonly node: number }[])[],
): boolean {
  if (component.length > 1) return true;
  const only = component[0];
  return only !== undefined && successors[only]!.some((a) => a.node === only);
}
