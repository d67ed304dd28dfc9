/**
 * A flow network with real (possibly infinite) capacities and Dinic's maximum flow.
 * Arcs are added in pairs: an arc and its residual partner at index `arc ^ 1`.
 */
export class FlowNetwork {
  private readonly head: Int32Array;
  private readonly nextArc: number[] = [];
  private readonly target: number[] = [];
  private readonly capacity: number[] = [];

  constructor(readonly size: number) {
    this.head = new Int32Array(size).fill(-1);
  }

  /** Adds `from → to` with `capacity` and its partner `to → from` with `reverseCapacity`. */
  addArcPair(from: number, to: number, capacity: number, reverseCapacity: number): void {
    this.pushArc(from, to, capacity);
    this.pushArc(to, from, reverseCapacity);
  }

  private pushArc(from: number, to: number, capacity: number): void {
    this.target.push(to);
    this.capacity.push(capacity);
    this.nextArc.push(this.head[from]!);
    this.head[from] = this.target.length - 1;
  }

  /** Pushes as much flow as possible from `source` to `sink`; returns the amount. */
  maxFlow(source: number, sink: number): number {
    if (source === sink) return 0;
    const level = new Int32Array(this.size);
    const current = new Int32Array(this.size);
    let total = 0;
    while (this.buildLevels(source, sink, level)) {
      current.set(this.head);
      total += this.blockingFlow(source, sink, level, current);
    }
    return total;
  }

  /** Nodes reachable from `from` through arcs with capacity left. */
  reachableFrom(from: number): Uint8Array {
    const seen = new Uint8Array(this.size);
    const pending = [from];
    seen[from] = 1;
    while (pending.length > 0) {
      const u = pending.pop()!;
      for (let arc = this.head[u]!; arc !== -1; arc = this.nextArc[arc]!) {
        const v = this.target[arc]!;
        if (this.capacity[arc]! > 0 && seen[v] === 0) {
          seen[v] = 1;
          pending.push(v);
        }
      }
    }
    return seen;
  }

  private buildLevels(source: number, sink: number, level: Int32Array): boolean {
    level.fill(-1);
    level[source] = 0;
    const queue = [source];
    for (let i = 0; i < queue.length; i++) {
      const u = queue[i]!;
      for (let arc = this.head[u]!; arc !== -1; arc = this.nextArc[arc]!) {
        const v = this.target[arc]!;
        if (this.capacity[arc]! > 0 && level[v] === -1) {
          level[v] = level[u]! + 1;
          queue.push(v);
        }
      }
    }
    return level[sink] !== -1;
  }

  /** Augments along level-increasing paths until none is left; iterative, with current-arc pointers. */
  private blockingFlow(source: number, sink: number, level: Int32Array, current: Int32Array): number {
    let total = 0;
    const path: number[] = [];
    let u = source;
    for (;;) {
      if (u === sink) {
        let bottleneck = Infinity;
        for (const arc of path) bottleneck = Math.min(bottleneck, this.capacity[arc]!);
        // Augmenting paths through infinite arcs only cannot exist in the networks built
        // here, but stop rather than loop forever if one ever did.
        if (bottleneck === Infinity) return total;
        let saturated = -1;
        path.forEach((arc, i) => {
          this.capacity[arc]! -= bottleneck;
          this.capacity[arc ^ 1]! += bottleneck;
          if (saturated === -1 && this.capacity[arc] === 0) saturated = i;
        });
        total += bottleneck;
        // Resume from the tail of the first arc the augmentation used up, not from the source.
        u = this.target[path[saturated]! ^ 1]!;
        path.length = saturated;
        continue;
      }
      let advanced = false;
      for (let arc = current[u]!; arc !== -1; arc = this.nextArc[arc]!) {
        const v = this.target[arc]!;
        if (this.capacity[arc]! > 0 && level[v] === level[u]! + 1) {
          current[u] = arc;
          path.push(arc);
          u = v;
          advanced = true;
          break;
        }
      }
      if (advanced) continue;
      current[u] = -1;
      // A dead end: nothing more flows through `u` in this phase.
      level[u] = -1;
      const back = path.pop();
      if (back === undefined) return total;
      u = this.target[back ^ 1]!;
    }
  }
}
