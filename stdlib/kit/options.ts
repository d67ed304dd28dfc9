/**
 * The bounded-option check every backend uses, so that every option out of
 * bounds is refused in the same words (`<whose> option '<name>' must be
 * <bound>, got <value>.`, a `PlanError` with code `FLOW_INVALID_OPTION`).
 * `undefined` takes the default, which is not checked.
 */
import { errors } from "../errors.js";
import { MAX_COUNT, MAX_TIMER_MS } from "../limits.js";

/** Whose options these are, as messages name them: `Runner`, `threads()`, `bullmq()`, `createWorker()`. */
export type OptionOwner = string;

/** An integer option in [`min`, `max`] (by default up to {@link MAX_COUNT}). */
export function countOption(
  owner: OptionOwner,
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max = MAX_COUNT,
): number {
  if (value === undefined) return fallback;
  if (!(typeof value === "number" && Number.isInteger(value) && value >= min && value <= max)) {
    throw errors.optionOutOfRange(owner, name, value, { min, max, integer: true });
  }
  return value;
}

/**
 * A duration in milliseconds in [`min`, `max`]: every duration is a timer
 * somewhere, so `max` is at most {@link MAX_TIMER_MS}, the longest a timer
 * waits. `minName` names another option that set `min` (`baseMs`).
 */
export function durationOption(
  owner: OptionOwner,
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max = MAX_TIMER_MS,
  minName?: string,
): number {
  if (value === undefined) return fallback;
  if (!(typeof value === "number" && Number.isFinite(value) && value >= min && value <= max)) {
    throw errors.optionOutOfRange(owner, name, value, { min, max, integer: false, unit: "ms", minName });
  }
  return value;
}
