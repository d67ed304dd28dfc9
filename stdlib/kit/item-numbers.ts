/**
 * How a map names its items to users. A map is given items at positions
 * 0, 1, 2, …; when it maps only some of a stage's items (`MapOptions.indices`,
 * a resumed stage that maps what its journal lacks), what users see — a
 * call's `ctx.item`, events, a `MethodError`'s `item`, messages — names the
 * stage's number of each item instead, while callbacks (`done`, `failed`) and
 * a backend's own bookkeeping stay in positions. Without `indices` the two are
 * the same, and nothing here allocates.
 */

/**
 * The stage's number of the item at `position`: `indices[position]` when the
 * map was given `indices`, the position itself otherwise. A stream item that
 * failed to be read may not be numbered yet (`mapStream` numbers an item by
 * the time it is read): it is taken to follow the last item numbered.
 */
export function itemNumber(indices: readonly number[] | undefined, position: number): number {
  if (indices === undefined) return position;
  const number = indices[position];
  if (number !== undefined) return number;
  const before = position > 0 ? indices[position - 1] : undefined;
  return before === undefined ? position : before + 1;
}

/**
 * The stage's numbers of `count` items from `first` on, or `undefined` when
 * they are `itemNumber(first) + k` (always so without `indices`): what a
 * shard sent elsewhere carries so that the far side numbers its items as the
 * stage does.
 */
export function shardNumbers(
  indices: readonly number[] | undefined,
  first: number,
  count: number,
): readonly number[] | undefined {
  if (indices === undefined) return undefined;
  const numbers = indices.slice(first, first + count);
  const base = numbers[0] ?? 0;
  for (let k = 1; k < numbers.length; k++) if (numbers[k] !== base + k) return numbers;
  return undefined;
}
