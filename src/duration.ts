/** Milliseconds in each unit of a duration as the language writes it: `250ms`, `30s`, `5m`, `1h`. */
const MILLISECONDS_PER_UNIT: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** The units a duration may be written in. */
export const durationUnits: readonly string[] = Object.keys(MILLISECONDS_PER_UNIT);

/**
 * The longest duration flowc accepts, in milliseconds: 2^31 − 1, about 24.8 days. Node's
 * timers hold a signed 32-bit count of milliseconds; a longer wait overflows, fires after
 * 1 ms instead, and only warns (`TimeoutOverflowWarning`), so a `timeout: 597h` would fail
 * every call at once.
 */
export const maxDurationMs = 2 ** 31 - 1;

/** The limit as messages give it: a duration the language accepts, and what it amounts to. */
export const maxDurationText = `${maxDurationMs}ms (about 24.8 days, the longest a timer can wait)`;

/**
 * `amount` of `unit` in whole milliseconds (`1.5s` is 1500); `"too long"` past
 * `maxDurationMs`; `"invalid"` when the unit is not one of the language's or the
 * amount is not a whole number of milliseconds. Both the manifest's `timeout` and
 * the CLI's duration flags are read with it.
 */
export function toMilliseconds(amount: number, unit: string): number | "too long" | "invalid" {
  const factor = Object.hasOwn(MILLISECONDS_PER_UNIT, unit) ? MILLISECONDS_PER_UNIT[unit] : undefined;
  if (factor === undefined) return "invalid";
  const exact = amount * factor;
  if (exact > maxDurationMs) return "too long";
  // `0.3s` is 300.00000000000006 in binary floating point; it still means 300 ms.
  const milliseconds = Math.round(exact);
  return Math.abs(exact - milliseconds) > 1e-6 ? "invalid" : milliseconds;
}
