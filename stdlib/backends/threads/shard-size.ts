/**
 * How many items go into the next shard of a parallel method.
 *
 * A shard costs one round trip between threads (tens of microseconds) however
 * many items it holds, so a method that takes a microsecond per item needs
 * thousands per shard, while one that takes 50 ms per item wants shards of
 * one, or a few slow items would hold back a whole stage. The sizer measures
 * the cost of an item (as timed inside the worker, messaging excluded) and
 * aims at {@link TARGET_SHARD_MS} of work per shard. It starts at one item and
 * grows at most {@link GROWTH}-fold per shard, so that a first measurement
 * skewed by a cold start cannot commit a huge shard; near the end of an array
 * it shrinks shards so that every lane still gets a share.
 */

/**
 * Work aimed at per shard: large against what a shard costs in messaging and
 * bookkeeping (a fraction of a millisecond of CPU), small against a stage.
 */
export const TARGET_SHARD_MS = 20;
/** Cap on items per shard, which also bounds the items in flight over a stream. */
export const MAX_SHARD_ITEMS = 4096;
const GROWTH = 4;
/** Weight of the newest measurement in the running estimate of an item's cost. */
const SMOOTHING = 0.3;

export class ShardSizer {
  /** The plan's `shardSize`, or `null` to adapt. */
  readonly #fixed: number | null;
  /** Estimated milliseconds per item; `undefined` until a shard was measured. */
  #costMs: number | undefined;
  #last = 0;

  constructor(fixed: number | null) {
    this.#fixed = fixed;
  }

  /**
   * Size of the next shard. `remaining`: items left when known (arrays);
   * `lanes`: shards the stage keeps in flight.
   */
  next(remaining: number | undefined, lanes: number): number {
    let size: number;
    if (this.#fixed !== null) {
      size = this.#fixed;
    } else {
      const cost = this.#costMs;
      size = cost === undefined ? 1 : cost <= 0 ? MAX_SHARD_ITEMS : Math.round(TARGET_SHARD_MS / cost);
      size = Math.max(1, Math.min(size, MAX_SHARD_ITEMS, Math.max(1, this.#last) * GROWTH));
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
  }
}
