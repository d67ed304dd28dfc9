/** Milliseconds in each unit of a duration as the language writes it: `250ms`, `30s`, `5m`, `1h`. */
const MILLISECONDS_PER_UNIT: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * `amount` of `unit` in whole milliseconds (`1.5s` is 1500), or `undefined`
 * when the unit is not one of the language's, or the amount is not a whole,
 * safe number of milliseconds. Both the manifest's `timeout` and the CLI's
 * duration flags are read with it.
 */
export function toMilliseconds(amount: number, unit: string): number | undefined {
  const factor = Object.hasOwn(MILLISECONDS_PER_UNIT, unit) ? MILLISECONDS_PER_UNIT[unit] : undefined;
  if (factor === undefined) return undefined;
  const exact = amount * factor;
  // `0.3s` is 300.00000000000006 in binary floating point; it still means 300 ms.
  const milliseconds = Math.round(exact);
  if (Math.abs(exact - milliseconds) > 1e-6) return undefined;
  return Number.isSafeInteger(milliseconds) ? milliseconds : undefined;
}
