/** Summary statistics of timed runs. */
import type { Stats } from "./types.js";

/** Median (mean of the two middle values for an even count), min and max of `samples`, which must not be empty. */
export function summarize(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new Error("no samples to summarize");
  const sorted = [...samples].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples: [...samples] };
}

/**
 * The ratio of two contenders' times: the median of their per-round ratios
 * when both have a sample from every round (rounds run every contender back
 * to back, so a pair shares the machine's load of the moment), else the
 * ratio of their medians.
 */
export function pairedRatio(numerator: Stats, denominator: Stats): number {
  return pairedRatios(numerator, denominator)?.median ?? numerator.median / denominator.median;
}

/**
 * The per-round ratios of two contenders' times, summarized: their median is
 * {@link pairedRatio}, their min and max the spread a shared machine gives it.
 * `undefined` when the two were not timed in the same rounds.
 */
export function pairedRatios(numerator: Stats, denominator: Stats): Stats | undefined {
  return paired(numerator, denominator, (top, bottom) => top / bottom);
}

/**
 * The per-round differences of two contenders' times (`minuend` − `subtrahend`),
 * summarized as {@link pairedRatios} are: what one costs more than the other,
 * each round's pair sharing the machine's load of the moment.
 */
export function pairedDifferences(minuend: Stats, subtrahend: Stats): Stats | undefined {
  return paired(minuend, subtrahend, (top, bottom) => top - bottom);
}

function paired(first: Stats, second: Stats, combine: (first: number, second: number) => number): Stats | undefined {
  const top = first.samples;
  const bottom = second.samples;
  if (top.length !== bottom.length || top.length === 0) return undefined;
  return summarize(top.map((value, i) => combine(value, bottom[i]!)));
}
