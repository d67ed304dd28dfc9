/**
 * Retries, timeouts and failure reporting of one method's calls, shared by
 * every backend: a backend supplies an {@link Attempt} (how to make one call
 * where it runs) and gets the same retry, timeout, event and error behaviour
 * as every other backend.
 */
import type { BackoffSettings, CallScope, FlowEvent, RunContext } from "./api.js";
import { CallContext, isThenable, LazyAbort } from "./context.js";
import { isNonRetryable, MethodError, MethodTimeoutError } from "./errors.js";
import type { PlanMethod } from "./plan.js";
import { now } from "./clock.js";

/** Makes one call of the method with `context`; returns its output or a promise of it. */
export type Attempt = (context: RunContext) => unknown;

/** Random source in [0, 1); injectable so that tests can pin the jitter. */
export type Random = () => number;

/**
 * Delay before retrying after failed attempt number `attempt` (1-based):
 * `baseMs · 2^(attempt-1)`, capped at `maxMs`, of which a random half is kept
 * ("equal jitter": never less than half the nominal delay, never in step).
 */
export function backoffDelay(attempt: number, backoff: BackoffSettings, random: Random = Math.random): number {
  const nominal = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(nominal / 2 + (random() * nominal) / 2);
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

  constructor(method: PlanMethod, backoff: BackoffSettings, random: Random = Math.random) {
    this.method = method.name;
    this.retries = method.retries;
    this.timeoutMs = method.timeoutMs;
    this.backoff = backoff;
    this.plain = method.retries === 0 && method.timeoutMs === null;
    this.#random = random;
  }

  /**
   * Runs `attempt` under this policy: returns its output (synchronously when a
   * plain attempt returns a plain value), or fails with a `MethodError`.
   */
  run(attempt: Attempt, item: number | undefined, scope: CallScope): unknown {
    if (!this.plain) return this.#runWithRetries(attempt, item, scope);
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

  async #runWithRetries(attempt: Attempt, item: number | undefined, scope: CallScope): Promise<unknown> {
    for (let number = 1; ; number++) {
      try {
        const output =
          this.timeoutMs === null
            ? attempt(new CallContext(this.method, number, item, scope))
            : attemptWithTimeout(attempt, this.method, number, item, scope, this.timeoutMs);
        return isThenable(output) ? await output : output;
      } catch (error) {
        // After cancellation a failure is usually its consequence: report it as it is, never retry it.
        if (scope.cancelled || number > this.retries || isNonRetryable(error)) {
          throw this.failure(error, item, number, scope);
        }
        const delayMs = backoffDelay(number, this.backoff, this.#random);
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
}

/**
 * One attempt bounded by `timeoutMs`: when the time is up, the attempt's
 * signal aborts with a `MethodTimeoutError` and the attempt fails with it,
 * whether or not the method honours its signal.
 */
function attemptWithTimeout(
  attempt: Attempt,
  method: string,
  number: number,
  item: number | undefined,
  scope: CallScope,
  timeoutMs: number,
): Promise<unknown> {
  if (scope.cancelled) return Promise.reject(scope.signal.reason);
  return new Promise((resolve, reject) => {
    const abort = new LazyAbort();
    const runSignal = scope.signal;
    const timer = setTimeout(() => {
      runSignal.removeEventListener("abort", onCancel);
      const error = new MethodTimeoutError(method, item, timeoutMs);
      abort.abort(error);
      reject(error);
    }, timeoutMs);
    // Following the run also clears the timer on cancellation, or a long timeout would keep the process alive.
    const onCancel = (): void => {
      clearTimeout(timer);
      abort.abort(runSignal.reason);
      reject(runSignal.reason);
    };
    runSignal.addEventListener("abort", onCancel, { once: true });
    const settle = (): void => {
      clearTimeout(timer);
      runSignal.removeEventListener("abort", onCancel);
    };
    let output: unknown;
    try {
      output = attempt(new CallContext(method, number, item, abort));
    } catch (error) {
      settle();
      reject(error);
      return;
    }
    if (!isThenable(output)) {
      settle();
      resolve(output);
      return;
    }
    output.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
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
