/**
 * Retries, timeouts and failure reporting of one method's calls, shared by
 * every backend: a backend supplies an {@link Attempt} (how to make one call
 * where it runs) and gets the same retry, timeout, event and error behaviour
 * as every other backend.
 */
import type { BackoffSettings, CallScope, FlowEvent } from "./api.js";
import { CallContext, isThenable } from "./context.js";
import { isNonRetryable, MethodError } from "./errors.js";
import { boundedAttempt, type Attempt, type AttemptWatch } from "./kit/attempt.js";
import type { PlanMethod } from "./plan.js";
import { now } from "./clock.js";

export type { Attempt, AttemptWatch } from "./kit/attempt.js";

/** Random source in [0, 1); injectable so that tests can pin the jitter. */
export type Random = () => number;

/** How one call goes beyond the method's own policy. */
export interface CallOptions {
  /** The number of its first attempt: attempts made elsewhere count against its retries. */
  readonly firstAttempt?: number | undefined;
  /** Backoff to wait before the first attempt (a retry decided elsewhere). */
  readonly delayMs?: number | undefined;
  readonly watch?: AttemptWatch | undefined;
  /** In a `fallback`'s call: the error of the method it stands in for (`ctx.error`). */
  readonly error?: unknown;
}

/** How a backend wants its calls run, beyond the method's settings. */
export interface PolicyOptions {
  /**
   * Interrupt an attempt's synchronous part at its timeout (see interrupt.ts):
   * for calls in the calling thread, which nothing else could stop.
   */
  readonly interruptSync?: boolean | undefined;
}

/**
 * Delay before retrying after failed attempt number `attempt` (1-based):
 * `baseMs · 2^(attempt-1)`, capped at `maxMs`, of which a random half is kept
 * ("equal jitter": never less than half the nominal delay, never in step).
 */
export function backoffDelay(attempt: number, backoff: BackoffSettings, random: Random = Math.random): number {
  const nominal = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}

/**
 * Whether failed attempt `attempt` (1-based) of a method with `retries`
 * ends its call: retries are spent, or the error says retrying cannot help.
 * A bullmq worker asks this of BullMQ's attempts, the policy of its own.
 */
export function isFinalFailure(error: unknown, attempt: number, retries: number): boolean {
  return attempt > retries || isNonRetryable(error);
}

/** The call policy of one method, built once per method when a session binds it. */
export class CallPolicy {
  readonly method: string;
  readonly retries: number;
  readonly timeoutMs: number | null;
  readonly backoff: BackoffSettings;
  /** No retry and no timeout: a call is one plain attempt. */
  readonly plain: boolean;
  readonly #random: Random;
  readonly #interruptSync: boolean;

  constructor(method: PlanMethod, backoff: BackoffSettings, random: Random = Math.random, options: PolicyOptions = {}) {
    this.method = method.name;
    this.retries = method.retries;
    this.timeoutMs = method.timeoutMs;
    this.backoff = backoff;
    this.plain = method.retries === 0 && method.timeoutMs === null;
    this.#random = random;
    this.#interruptSync = options.interruptSync === true;
  }

  /** Delay before the retry that follows failed attempt `attempt`. */
  retryDelay(attempt: number): number {
    return backoffDelay(attempt, this.backoff, this.#random);
  }

  /**
   * Runs `attempt` under this policy: returns its output (synchronously when a
   * plain attempt returns a plain value), or fails with a `MethodError`.
   */
  run(attempt: Attempt, item: number | undefined, scope: CallScope, call?: CallOptions): unknown {
    if (!this.plain || call !== undefined) return this.#runWithRetries(attempt, item, scope, call);
    let output: unknown;
    try {
      output = attempt(new CallContext(this.method, 1, item, scope));
    } catch (error) {
      throw this.failure(error, item, 1, scope);
    }
    if (!isThenable(output)) return output;
    return Promise.resolve(output).then(undefined, (error: unknown) => {
      throw this.failure(error, item, 1, scope);
    });
  }

  /** The `MethodError` for a call that failed for good; reports `call:fail` first. */
  failure(error: unknown, item: number | undefined, attempts: number, scope: CallScope): MethodError {
    if (scope.emit !== undefined && !scope.cancelled) {
      scope.emit({
        type: "call:fail",
        runId: scope.runId,
        time: now(),
        method: this.method,
        item,
        attempts,
        error,
      });
    }
    return new MethodError(this.method, item, attempts, error);
  }

  async #runWithRetries(
    attempt: Attempt,
    item: number | undefined,
    scope: CallScope,
    call: CallOptions | undefined,
  ): Promise<unknown> {
    const first = call?.firstAttempt ?? 1;
    if (call?.delayMs !== undefined && call.delayMs > 0) await sleep(call.delayMs, scope);
    for (let number = first; ; number++) {
      try {
        const output =
          this.timeoutMs === null
            ? attempt(new CallContext(this.method, number, item, scope, call?.error))
            : this.#timedAttempt(attempt, number, item, scope, call);
        return isThenable(output) ? await output : output;
      } catch (error) {
        // After cancellation a failure is usually its consequence: report it as it is, never retry it.
        if (scope.cancelled || isFinalFailure(error, number, this.retries)) {
          throw this.failure(error, item, number, scope);
        }
        const delayMs = this.retryDelay(number);
        if (scope.emit !== undefined) {
          const event: FlowEvent = {
            type: "call:retry",
            runId: scope.runId,
            time: now(),
            method: this.method,
            item,
            attempt: number,
            delayMs,
            error,
          };
          scope.emit(event);
        }
        await sleep(delayMs, scope);
      }
    }
  }

  /**
   * One attempt bounded by the method's timeout, given up on when its run is
   * cancelled. The timer cannot fire while the attempt runs synchronously:
   * with `interruptSync` its synchronous part is interrupted at the timeout,
   * and a `watch` lets someone outside the thread see an attempt that overstays.
   */
  #timedAttempt(
    attempt: Attempt,
    number: number,
    item: number | undefined,
    scope: CallScope,
    call: CallOptions | undefined,
  ): unknown {
    if (scope.cancelled) return Promise.reject(scope.signal.reason);
    const signal = scope.signal;
    return boundedAttempt(attempt, {
      method: this.method,
      number,
      item,
      timeoutMs: this.timeoutMs,
      watch: call?.watch,
      error: call?.error,
      interruptSync: this.#interruptSync,
      // Following the run also clears the timer on cancellation, or a long timeout would keep the process alive.
      follow: (stop) => {
        const onCancel = (): void => stop(signal.reason);
        signal.addEventListener("abort", onCancel, { once: true });
        return () => signal.removeEventListener("abort", onCancel);
      },
    });
  }
}

/** Waits `ms`, or rejects with the run's abort reason as soon as it is cancelled. */
export function sleep(ms: number, scope: CallScope): Promise<void> {
  if (scope.cancelled) return Promise.reject(scope.signal.reason);
  return new Promise((resolve, reject) => {
    const signal = scope.signal;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
