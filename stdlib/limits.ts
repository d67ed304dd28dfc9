/**
 * Bounds shared by the runtime's checks of plans and options, so that a typo
 * (`min_worker_count: 99999999999`, `timeout` of a year) is refused with a
 * clear error instead of misbehaving later.
 */

/**
 * The longest delay Node's timers honour: 2^31 − 1 ms (about 24.8 days).
 * A longer one fires at once, with a warning, so every duration the runtime
 * waits for (a `timeout`, a backoff, an option in milliseconds) stays within it.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The largest count a plan or option may name (workers, retries, items per
 * shard): counts are kept in 32-bit slots. Backends refuse far smaller worker
 * counts that their machine cannot give (see the threads backend's bound).
 */
export const MAX_COUNT = 2 ** 31 - 1;

/** Whether `value` is an integer in [`min`, `max`]. */
export function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** Whether `value` is a number of milliseconds in [`min`, `MAX_TIMER_MS`]. */
export function isTimerMs(value: unknown, min = 0): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= min && value <= MAX_TIMER_MS;
}
