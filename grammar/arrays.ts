/**
 * Helpers for arrays whose length the input decides (one diagnostic per bad
 * character, one comment per line). Spreading such an array into a call
 * (`push(...items)`, `Math.max(...values)`) passes each element as an argument on
 * the stack, which overflows somewhere past a hundred thousand elements; these
 * loop instead. Looking one up by scanning, once per element of another such array,
 * costs the square of the input; a sorted one is searched instead.
 */

/** Appends every item of `items` to `target`. */
export function pushAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}

/** The largest of `values`, or `floor` when there is none or all are smaller. */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let max = floor;
  for (const value of values) if (value > max) max = value;
  return max;
}

/** The index of the first of `sorted` (ascending) that is `value` or more; `sorted.length` if none is. */
export function firstAtOrAfter(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
