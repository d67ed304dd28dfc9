import type { Identifier } from "../../../grammar/ast.js";
import { Messages } from "../../diagnostics/catalogue.js";
import type { GraphEdge } from "../types.js";
import type { RuleContext } from "../rule-context.js";

/**
 * Forbids declaring concurrent two methods of which one depends on the other: when a
 * path leads from `b` to `c` (after concurrent neighbours of a chain have been turned
 * into a layer), `c` cannot start before `b` has finished, so they can never run at
 * the same time.
 *
 * Each dependent member is reported once, with the shortest path from the nearest
 * member it waits for (a long path by its ends). Searches only visit nodes whose topological position lies
 * between the group's first and last member, since no path between members leaves
 * that window; for the usual, local concurrent groups that keeps the rule far from
 * quadratic in the size of the manifest.
 */
/** Paths with more edges than this are shown by their first and last edges only. */
const maxPathEdges = 8;

export function concurrentIndependence(context: RuleContext): void {
  if (!context.acyclic) return;
  const { index, order } = context;
  const n = index.names.length;
  const position = new Int32Array(n);
  order.forEach((v, i) => (position[v] = i));
  // Stamps instead of fresh arrays per group: allocating O(nodes) per group would be quadratic.
  const forwardStamp = new Int32Array(n);
  const backwardStamp = new Int32Array(n);
  const parentEdge: (GraphEdge | undefined)[] = new Array<GraphEdge | undefined>(n);
  const parentNode = new Int32Array(n);
  let stamp = 0;
  let backwardSearch = 0;

  for (const facts of context.groups) {
    if (facts.flow !== "concurrent" || facts.methods.length < 2) continue;
    const members = new Map<number, Identifier>();
    let first = Infinity;
    let last = -Infinity;
    for (const mention of facts.methods) {
      const node = index.indexOf.get(mention.name);
      if (node === undefined) continue;
      members.set(node, mention);
      first = Math.min(first, position[node]!);
      last = Math.max(last, position[node]!);
    }

    stamp += 1;
    const queue: number[] = [];
    for (const node of members.keys()) {
      for (const a of index.successors[node]!) {
        if (position[a.node]! <= last && forwardStamp[a.node] !== stamp) {
          forwardStamp[a.node] = stamp;
          queue.push(a.node);
        }
      }
    }
    for (let i = 0; i < queue.length; i++) {
      for (const a of index.successors[queue[i]!]!) {
        if (position[a.node]! <= last && forwardStamp[a.node] !== stamp) {
          forwardStamp[a.node] = stamp;
          queue.push(a.node);
        }
      }
    }

    for (const [dependent, mention] of members) {
      if (forwardStamp[dependent] !== stamp) continue;
      // Shortest way back to a member: breadth-first over predecessors.
      backwardSearch += 1;
      const reached = backwardSearch;
      backwardStamp[dependent] = reached;
      const back = [dependent];
      let origin: number | undefined;
      for (let i = 0; i < back.length && origin === undefined; i++) {
        const v = back[i]!;
        for (const a of index.predecessors[v]!) {
          if (position[a.node]! < first || backwardStamp[a.node] === reached) continue;
          backwardStamp[a.node] = reached;
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
      const names = [index.names[origin]!, ...path.map((e) => e.to)];
      const originName = index.names[origin]!;
      // A path through hundreds of methods helps nobody read the message; show its ends.
      const shown = path.length <= maxPathEdges ? path : [...path.slice(0, maxPathEdges / 2), ...path.slice(-maxPathEdges / 2)];
      const spelled =
        path.length <= maxPathEdges
          ? names.join(" → ")
          : [...names.slice(0, maxPathEdges / 2 + 1), "…", ...names.slice(-maxPathEdges / 2 - 1)].join(" → ");
      context.report(
        Messages.ConcurrentDependent,
        mention.span,
        [originName, mention.name, `'${mention.name}' waits for '${originName}' through ${spelled}`],
        [
          { span: members.get(origin)!.span, message: `'${originName}' is declared concurrent here.` },
          ...shown.map((edge) => ({ span: edge.declaration.span, message: `'${edge.from}' → '${edge.to}' is declared here.` })),
        ],
      );
    }
  }
}
