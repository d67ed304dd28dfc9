import type { Identifier } from "../../../grammar/ast.js";
import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import { topologicalOrder } from "../../graph/topological-order.js";
import type { RuleContext } from "../rule-context.js";
import type { GraphEdge } from "../../bind/types.js";

/** Paths with more edges than this are shown by their first and last edges only. */
const maxPathEdges = 8;

/**
 * Forbids declaring concurrent two methods of which one depends on the other: when a
 * path leads from `b` to `c` (after concurrent neighbours of a chain have been turned
 * into a layer), `c` cannot start before `b` has finished, so they can never run at
 * the same time.
 *
 * Each dependent member is reported once, with the shortest path from the nearest
 * member it waits for (a long path by its ends).
 *
 * A node on a path between two members comes after the first and before the second in
 * every topological order. The searches therefore visit only nodes inside the members'
 * window in two different orders (ready nodes taken by first and by last mention):
 * concurrent groups on independent branches then each stay within a few nodes instead
 * of scanning the branches in between, which keeps the rule far from quadratic.
 */
export function concurrentIndependence(context: RuleContext): void {
  if (!context.acyclic) return;
  const { index } = context;
  const n = index.names.length;
  const positions = [context.order, topologicalOrder(index.successors, true)].map((order) => {
    const position = new Int32Array(n);
    order.forEach((v, i) => (position[v] = i));
    return position;
  });
  const [byFirst, byLast] = positions as [Int32Array, Int32Array];
  // Stamps instead of fresh arrays per group: allocating O(nodes) per group would be quadratic.
  const forwardStamp = new Int32Array(n);
  const backwardStamp = new Int32Array(n);
  const parentEdge = new Array<GraphEdge | undefined>(n);
  const parentNode = new Int32Array(n);
  let forwardSearch = 0;
  let backwardSearch = 0;

  for (const facts of context.groups) {
    if (facts.flow !== "concurrent" || facts.methods.length < 2) continue;
    const members = new Map<number, Identifier>();
    let lowFirst = Infinity;
    let lowLast = Infinity;
    let highFirst = -Infinity;
    let highLast = -Infinity;
    for (const mention of facts.methods) {
      const node = index.indexOf.get(mention.name);
      if (node === undefined) continue;
      members.set(node, mention);
      lowFirst = Math.min(lowFirst, byFirst[node]!);
      lowLast = Math.min(lowLast, byLast[node]!);
      highFirst = Math.max(highFirst, byFirst[node]!);
      highLast = Math.max(highLast, byLast[node]!);
    }
    const belowWindowTop = (v: number): boolean => byFirst[v]! <= highFirst && byLast[v]! <= highLast;
    const aboveWindowBottom = (v: number): boolean => byFirst[v]! >= lowFirst && byLast[v]! >= lowLast;

    forwardSearch += 1;
    const queue: number[] = [];
    const visit = (v: number): void => {
      if (forwardStamp[v] === forwardSearch || !belowWindowTop(v)) return;
      forwardStamp[v] = forwardSearch;
      queue.push(v);
    };
    for (const node of members.keys()) for (const a of index.successors[node]!) visit(a.node);
    for (let i = 0; i < queue.length; i++) for (const a of index.successors[queue[i]!]!) visit(a.node);

    for (const [dependent, mention] of members) {
      if (forwardStamp[dependent] !== forwardSearch) continue;
      // The shortest way back to a member: breadth-first over predecessors.
      backwardSearch += 1;
      backwardStamp[dependent] = backwardSearch;
      const back = [dependent];
      let origin: number | undefined;
      for (let i = 0; i < back.length && origin === undefined; i++) {
        const v = back[i]!;
        for (const a of index.predecessors[v]!) {
          if (backwardStamp[a.node] === backwardSearch || !aboveWindowBottom(a.node)) continue;
          backwardStamp[a.node] = backwardSearch;
          parentNode[a.node] = v;
          parentEdge[a.node] = a.edge;
          if (members.has(a.node)) {
            origin = a.node;
            break;
          }
          back.push(a.node);
        }
      }
      if (origin === undefined) continue;

      const path: GraphEdge[] = [];
      for (let v = origin; v !== dependent; v = parentNode[v]!) path.push(parentEdge[v]!);
      const originName = index.names[origin]!;
      const names = [originName, ...path.map((edge) => edge.to)];
      // A path through hundreds of methods helps nobody read the message; show its ends.
      const long = path.length > maxPathEdges;
      const half = maxPathEdges / 2;
      const shown = long ? [...path.slice(0, half), ...path.slice(-half)] : path;
      const spelled = long ? [...names.slice(0, half + 1), "…", ...names.slice(-half - 1)] : names;
      context.report(
        Messages.ConcurrentDependent,
        mention.span,
        [originName, mention.name, `'${mention.name}' waits for '${originName}' through ${spelled.join(" → ")}`],
        [
          { span: members.get(origin)!.span, message: `'${originName}' is declared concurrent here.` },
          ...shown.map((edge) => ({
            span: edge.declaration.span,
            message: `'${edge.from}' → '${edge.to}' is declared here.`,
          })),
        ],
      );
    }
  }
}
