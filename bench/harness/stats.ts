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
