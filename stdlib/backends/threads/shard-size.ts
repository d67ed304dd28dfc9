/**
 * How many items go into the next shard of a parallel method.
 *
 * A shard costs one round trip between threads (tens of microseconds, up to a
 * millisecond on busy cores) however many items it holds, so a method that
 * takes a microsecond per item needs thousands per shard, while one that
 * takes 50 ms per item wants shards of one, or a few slow items would hold
 * back a whole stage. The sizer measures the cost of an item (as timed inside
 * the worker, messaging excluded) and aims at {@link TARGET_SHARD_MS} of work
 * per shard. It starts at one item and grows at most {@link GROWTH}-fold per
 * shard, so that a first measurement skewed by a cold start cannot commit a
 * huge shard; near the end of an array it shrinks shards so that every lane
 * still gets a share.
 *
 * Over a long array of items that cost alike, shards of 20 ms would still
 * pay the round trip hundreds of times. There, once the measured costs agree,
 * each shard takes a fixed share of what is left ({@link GUIDE} shards per
 * lane's worth; "guided self-scheduling"), up to {@link MAX_GUIDED_SHARD_MS}
 * of work: a few large shards first, then ever smaller ones, so the lanes
 * still finish together. Streams keep 20 ms shards, which bound the items in
 * flight, and so do items whose costs vary.
 */

/**
 * Work aimed at per shard: large against what a shard costs in messaging and
 * bookkeeping (a fraction of a millisecond of CPU), small against a stage.
 */
export const TARGET_SHARD_MS = 20;
/** Cap on items per shard of a stream, which bounds the items in flight. */
export const MAX_SHARD_ITEMS = 4096;
const GROWTH = 4;
/** Weight of the newest measurement in the running estimate of an item's cost. */
const SMOOTHING = 0.3;
/** A guided shard takes `1 / (GUIDE × lanes)` of the items left. */
const GUIDE = 2;
/** Most estimated work in one guided shard: keeps progress, cancellation and a crash's re-run prompt. */
export const MAX_GUIDED_SHARD_MS = 250;
/** Items cost alike when, over the last {@link EVEN_WINDOW} shards, the dearest cost per item is at most {@link EVEN_RATIO} times the cheapest. */
const EVEN_WINDOW = 4;
const EVEN_RATIO = 1.5;

export class ShardSizer {
  /** The plan's `shardSize`, or `null` to adapt. */
  readonly #fixed: number | null;
  /** Estimated milliseconds per item; `undefined` until a shard was measured. */
  #costMs: number | undefined;
  /** Cost per item of the last shards measured, newest last (a cold start soon drops out). */
  readonly #recent: number[] = [];
  #last = 0;

  constructor(fixed: number | null) {
    this.#fixed = fixed;
  }

  /**
   * Size of the next shard. `remaining`: items left when known (arrays);
   * `lanes`: shards the stage keeps running at once.
   */
  next(remaining: number | undefined, lanes: number): number {
    let size: number;
    if (this.#fixed !== null) {
      size = this.#fixed;
    } else {
      const cost = this.#costMs;
      size = cost === undefined ? 1 : cost <= 0 ? MAX_SHARD_ITEMS : Math.round(TARGET_SHARD_MS / cost);
      if (remaining !== undefined && cost !== undefined && cost > 0 && this.#even()) {
        const guided = Math.min(Math.ceil(remaining / (GUIDE * lanes)), Math.floor(MAX_GUIDED_SHARD_MS / cost));
        size = Math.max(size, guided);
      }
      // Items of an array are in memory already; a stream's are read for the shard.
      const cap = remaining === undefined ? MAX_SHARD_ITEMS : Number.MAX_SAFE_INTEGER;
      size = Math.max(1, Math.min(size, cap, Math.max(1, this.#last) * GROWTH));
      // The tail: spread what is left over every lane rather than leave lanes idle behind one big shard.
      if (remaining !== undefined) size = Math.min(size, Math.max(1, Math.ceil(remaining / lanes)));
      this.#last = size;
    }
    return remaining === undefined ? size : Math.max(1, Math.min(size, remaining));
  }

  /** Feeds back the time `count` items took inside the worker. */
  record(count: number, elapsedMs: number): void {
    if (count <= 0 || !Number.isFinite(elapsedMs)) return;
    const cost = Math.max(0, elapsedMs) / count;
    this.#costMs = this.#costMs === undefined ? cost : this.#costMs * (1 - SMOOTHING) + cost * SMOOTHING;
    this.#recent.push(cost);
    if (this.#recent.length > EVEN_WINDOW) this.#recent.shift();
  }

  /** Whether the items measured so far cost alike. */
  #even(): boolean {
    if (this.#recent.length < EVEN_WINDOW) return false;
    const cheapest = Math.min(...this.#recent);
    return cheapest > 0 && Math.max(...this.#recent) <= EVEN_RATIO * cheapest;
  }
}
