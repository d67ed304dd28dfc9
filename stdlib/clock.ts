/**
 * The time of every event: milliseconds since the Unix epoch, like
 * `Date.now()`, but with the sub-millisecond precision of the monotonic
 * clock, so that stages and shards shorter than a millisecond keep their
 * order and length in traces and progress. Each thread's `timeOrigin` is its
 * own start on the same wall clock, so times taken in worker threads line up
 * with the calling thread's.
 */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
