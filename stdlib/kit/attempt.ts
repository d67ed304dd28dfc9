/**
 * One attempt of a call with its bounds, the one implementation of a
 * method's `timeout` for every backend: the attempt's signal aborts, and the
 * attempt fails at that moment even if the method ignores its signal, when
 * its time is up (with a `MethodTimeoutError`) or when something outside
 * ends it (`follow`: its run is cancelled, its worker hands its jobs back).
 *
 * The attempt number comes from the caller: the call policy numbers its own
 * retries, while a bullmq worker takes it from BullMQ, which counts a shard
 * job's attempts across workers.
 */
import type { RunContext } from "../api.js";
import { CallContext, isThenable, LazyAbort } from "../context.js";
import { MethodTimeoutError } from "../errors.js";
import { callInterruptibly } from "../interrupt.js";
import { now } from "../clock.js";

/** Makes one call of the method with `context`; returns its output or a promise of it. */
export type Attempt = (context: RunContext) => unknown;

/**
 * Follows a call's timed attempts from outside the call: the threads backend
 * notes them in shared memory, so that the calling thread can stop a thread
 * whose attempt outlived its deadline without yielding.
 */
export interface AttemptWatch {
  /** Attempt `number` starts and must be over by `deadline` (a `now()` time). */
  begin(number: number, deadline: number): void;
  /** The attempt is over: settled, or given up on when its time ran out. */
  end(): void;
}

/** What bounds one attempt. */
export interface AttemptBounds {
  readonly method: string;
  /** The attempt's number, 1 for the first. */
  readonly number: number;
  readonly item: number | undefined;
  /** `null`: no timeout. */
  readonly timeoutMs: number | null;
  /** When the attempt started (`performance.now()`), if before this call: its timeout counts from then. */
  readonly started?: number | undefined;
  /**
   * Listens for what ends the attempt early: calls `stop(reason)` then, and
   * returns how to stop listening. Listened to only while the attempt awaits.
   */
  readonly follow?: ((stop: (reason: unknown) => void) => () => void) | undefined;
  readonly watch?: AttemptWatch | undefined;
  /** In a `fallback`'s call: the error of the method it stands in for (`ctx.error`). */
  readonly error?: unknown;
  /**
   * Interrupt the attempt's synchronous part at its timeout (see
   * interrupt.ts): for calls in the calling thread, which nothing else could stop.
   */
  readonly interruptSync?: boolean | undefined;
}

/**
 * Runs one attempt within `bounds`: returns its output, throws what its
 * synchronous part threw, or returns a promise when it awaits. A method that
 * returns a plain value settles at once, without a promise or a timer:
 * nothing could have interrupted it.
 */
export function boundedAttempt(attempt: Attempt, bounds: AttemptBounds): unknown {
  const { method, number, item, timeoutMs, watch } = bounds;
  const started = bounds.started ?? (timeoutMs === null ? 0 : performance.now());
  const abort = new LazyAbort();
  const context = new CallContext(method, number, item, abort, bounds.error);
  if (timeoutMs !== null) watch?.begin(number, now() + timeoutMs);
  let output: unknown;
  try {
    output =
      bounds.interruptSync === true && timeoutMs !== null
        ? callInterruptibly(
            () => attempt(context),
            timeoutMs,
            () => new MethodTimeoutError(method, item, timeoutMs),
          )
        : attempt(context);
  } catch (error) {
    watch?.end();
    // Interrupted at its timeout: listeners of its signal hear of it as they would of the timer.
    if (error instanceof MethodTimeoutError) abort.abort(error);
    throw error;
  }
  if (!isThenable(output)) {
    watch?.end();
    return output;
  }
  const pending = output;
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let unfollow: (() => void) | undefined;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      watch?.end();
      clearTimeout(timer);
      unfollow?.();
      return true;
    };
    const stop = (reason: unknown): void => {
      if (!settle()) return;
      abort.abort(reason);
      reject(reason);
    };
    unfollow = bounds.follow?.(stop);
    // Ended before it was followed (its run was over already): stop listening at once.
    if (settled) unfollow?.();
    if (timeoutMs !== null) {
      // Counted from the call, as if the timer had been set before it.
      const left = Math.max(0, timeoutMs - (performance.now() - started));
      timer = setTimeout(() => stop(new MethodTimeoutError(method, item, timeoutMs)), left);
    }
    pending.then(
      (value) => {
        if (settle()) resolve(value);
      },
      (error: unknown) => {
        if (settle()) reject(error);
      },
    );
  });
}
