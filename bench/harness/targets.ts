/** Helpers for judging a workload's results against the project's targets. */
import { pairedDifferences, pairedRatio, pairedRatios } from "./stats.js";
import type { CaseResult, Stats, TargetResult } from "./types.js";

/** Median milliseconds of contender `id` in `result`, or `undefined` when it failed or did not take part. */
export function medianOf(result: CaseResult | undefined, id: string): number | undefined {
  return result?.contenders.find((contender) => contender.id === id)?.stats?.median;
}

/** Cost per unit of work of contender `id`, in microseconds. */
export function perUnitOf(result: CaseResult | undefined, id: string): number | undefined {
  return result?.contenders.find((contender) => contender.id === id)?.perUnitUs;
}

/** Time of `numerator` ÷ time of `denominator` (see {@link pairedRatio}), or `undefined` when either is missing. */
export function ratioOf(result: CaseResult | undefined, numerator: string, denominator: string): number | undefined {
  const stats = (id: string) => result?.contenders.find((contender) => contender.id === id)?.stats;
  const top = stats(numerator);
  const bottom = stats(denominator);
  return top === undefined || bottom === undefined ? undefined : pairedRatio(top, bottom);
}

/**
 * The per-round ratios of `numerator` to `denominator` (median, min, max), or
 * `undefined` when either is missing or they were not timed in the same rounds.
 */
export function ratiosOf(result: CaseResult | undefined, numerator: string, denominator: string): Stats | undefined {
  return pairedOf(result, numerator, denominator, pairedRatios);
}

/**
 * The per-round differences of `minuend`'s time less `subtrahend`'s, in
 * milliseconds per run of the case (median, min, max), or `undefined` when
 * either is missing or they were not timed in the same rounds.
 */
export function differencesOf(result: CaseResult | undefined, minuend: string, subtrahend: string): Stats | undefined {
  return pairedOf(result, minuend, subtrahend, pairedDifferences);
}

function pairedOf(
  result: CaseResult | undefined,
  first: string,
  second: string,
  pair: (first: Stats, second: Stats) => Stats | undefined,
): Stats | undefined {
  const stats = (id: string) => result?.contenders.find((contender) => contender.id === id)?.stats;
  const top = stats(first);
  const bottom = stats(second);
  return top === undefined || bottom === undefined ? undefined : pair(top, bottom);
}

/** A ratio with the spread of its rounds: `1.12× (rounds 1.03–1.30×)`. */
export function timesWithSpread(ratios: Stats): string {
  return `${times(ratios.median)} (rounds ${ratios.min.toFixed(2)}–${times(ratios.max)})`;
}

/**
 * A target judged from `value`: met when `holds(value)`. A missing value
 * (a contender failed or was left out) is reported as not judged, never as met.
 */
export function judge(
  target: string,
  value: number | undefined,
  holds: (value: number) => boolean,
  describe: (value: number) => string,
): TargetResult {
  if (value === undefined || !Number.isFinite(value)) return { target, measured: "not measured", met: undefined };
  return { target, measured: describe(value), met: holds(value) };
}

/** The case of `group` at `scale`, if it ran. */
export function findCase(results: readonly CaseResult[], group: string, scale = 1): CaseResult | undefined {
  return results.find((result) => result.spec.group === group && result.spec.scale === scale);
}

export function times(value: number): string {
  return `${value.toFixed(2)}×`;
}
