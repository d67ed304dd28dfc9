/**
 * How many workers a plan needs at once.
 *
 * Two methods can be in flight together exactly when neither depends on the
 * other, directly or through others: for any such set (an antichain of the
 * dependency order) there are call durations that make all of its members run
 * simultaneously — their ancestors finish instantly, they themselves take long
 * — and a method can never overlap its own ancestors or descendants. So the
 * peak demand is the *maximum-weight antichain*, each method weighing its
 * `minWorkers` (1 for single methods). That is exact, not an upper bound.
 *
 * It is computed with the weighted form of Dilworth's theorem as a minimum
 * cut: a bipartite network with a left copy `L(v)` and a right copy `R(v)` of
 * every method, `source → L(v)` and `R(v) → sink` of capacity `w(v)`, and an
 * uncapped `L(u) → R(v)` whenever `u` is an ancestor of `v`. A finite cut
 * covers every ancestor pair by cutting `u`'s left or `v`'s right edge, and
 * the methods with neither edge cut form an antichain; hence
 * `max antichain = Σw − max flow`, and the antichain is read off the residual
 * graph (left copy reachable from the source, right copy not).
 */
import type { PlanDescriptor } from "./plan.js";

export interface PeakDemand {
  /** Largest total of workers needed by methods that can run at the same time. */
  readonly workers: number;
  /** One set of such methods (in plan order) reaching that total. */
  readonly methods: readonly string[];
}

/** Workers one method occupies while it runs. */
export function methodDemand(method: PlanDescriptor["methods"][number]): number {
  return method.mode === "parallel" ? method.minWorkers : 1;
}

export function peakDemand(plan: PlanDescriptor): PeakDemand {
  const n = plan.methods.length;
  if (n === 0) return { workers: 0, methods: [] };
  const index = new Map(plan.methods.map((method, i) => [method.name, i]));
  const weights = plan.methods.map(methodDemand);

  // ancestors[v][u]: u reaches v. Plan methods are in topological order, so
  // every predecessor's row is complete before it is merged into v's.
  const ancestors: Uint8Array[] = [];
  for (let v = 0; v < n; v++) {
    const row = new Uint8Array(n);
    for (const input of plan.methods[v]?.inputs ?? []) {
      const u = index.get(input);
      if (u === undefined) continue;
      row[u] = 1;
      const inherited = ancestors[u];
      if (inherited !== undefined) for (let k = 0; k < n; k++) row[k] = (row[k] ?? 0) | (inherited[k] ?? 0);
    }
    ancestors.push(row);
  }

  const source = 2 * n;
  const sink = 2 * n + 1;
  const network = new FlowNetwork(2 * n + 2);
  let total = 0;
  for (let v = 0; v < n; v++) {
    const w = weights[v] ?? 1;
    total += w;
    network.addEdge(source, v, w);
    network.addEdge(n + v, sink, w);
    const row = ancestors[v];
    for (let u = 0; u < n; u++) if (row?.[u] === 1) network.addEdge(u, n + v, Number.POSITIVE_INFINITY);
  }
  const flow = network.maxFlow(source, sink);
  const reachable = network.reachableFrom(source);
  const methods: string[] = [];
  for (let v = 0; v < n; v++) {
    if (reachable[v] === 1 && reachable[n + v] === 0) methods.push(plan.methods[v]?.name ?? "");
  }
  return { workers: total - flow, methods };
}

/** A small Dinic max-flow network; plans have tens of methods, so arrays of edges suffice. */
class FlowNetwork {
  private readonly heads: number[][];
  private readonly to: number[] = [];
  private readonly capacity: number[] = [];

  constructor(size: number) {
    this.heads = Array.from({ length: size }, () => []);
  }

  addEdge(from: number, to: number, capacity: number): void {
    this.heads[from]?.push(this.to.length);
    this.to.push(to);
    this.capacity.push(capacity);
    this.heads[to]?.push(this.to.length);
    this.to.push(from);
    this.capacity.push(0);
  }

  maxFlow(source: number, sink: number): number {
    let flow = 0;
    for (;;) {
      const level = this.levels(source);
      if ((level[sink] ?? -1) < 0) return flow;
      const next = new Array<number>(this.heads.length).fill(0);
      for (;;) {
        const pushed = this.augment(source, sink, Number.POSITIVE_INFINITY, level, next);
        if (pushed === 0) break;
        flow += pushed;
      }
    }
  }

  /** Nodes reachable from `source` through edges with spare capacity (1 = reachable). */
  reachableFrom(source: number): Uint8Array {
    const level = this.levels(source);
    return Uint8Array.from(level, (l) => (l >= 0 ? 1 : 0));
  }

  private levels(source: number): number[] {
    const level = new Array<number>(this.heads.length).fill(-1);
    level[source] = 0;
    const queue = [source];
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head] ?? 0;
      for (const edge of this.heads[node] ?? []) {
        const target = this.to[edge] ?? 0;
        if ((this.capacity[edge] ?? 0) > 0 && level[target] === -1) {
          level[target] = (level[node] ?? 0) + 1;
          queue.push(target);
        }
      }
    }
    return level;
  }

  private augment(node: number, sink: number, limit: number, level: number[], next: number[]): number {
    if (node === sink) return limit;
    const edges = this.heads[node] ?? [];
    for (; (next[node] ?? 0) < edges.length; next[node] = (next[node] ?? 0) + 1) {
      const edge = edges[next[node] ?? 0] ?? 0;
      const target = this.to[edge] ?? 0;
      const spare = this.capacity[edge] ?? 0;
      if (spare <= 0 || level[target] !== (level[node] ?? 0) + 1) continue;
      const pushed = this.augment(target, sink, Math.min(limit, spare), level, next);
      if (pushed > 0) {
        this.capacity[edge] = spare - pushed;
        // Edges are added in pairs, so `edge ^ 1` is the reverse edge.
        this.capacity[edge ^ 1] = (this.capacity[edge ^ 1] ?? 0) + pushed;
        return pushed;
      }
    }
    return 0;
  }
}
