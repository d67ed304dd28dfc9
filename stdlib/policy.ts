/**
 * Retries, timeouts and failure reporting of one method's calls, shared by
 * every backend: a backend supplies an {@link Attempt} (how to make one call
 * where it runs) and gets the same retry, timeout, event and error behaviour
 * as every other backend.
 */
import type { BackoffSettings, CallScope, FlowEvent, RunContext } from "./api.js";
import { CallContext, isThenable, LazyAbort } from "./context.js";
import { isNonRetryable, MethodError, MethodTimeoutError } from "./errors.js";
import { callInterruptibly } from "./interrupt.js";
import type { PlanMethod } from "./plan.js";
import { now } from "./clock.js";

/** Makes one call of the method with `context`; returns its output or a promise of it. */
export type Attempt = (context: RunContext) => unknown;

/** Random source in [0, 1); injectable so that tests can pin the jitter. */
export type Random = () => number;

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

/** How one call goes beyond the method's own policy. */
export interface CallOptions {
  /** The number of its first attempt: attempts made elsewhere count against its retries. */
  readonly firstAttempt?: number | undefined;
  /** Backoff to wait before the first attempt (a retry decided elsewhere). */
  readonly delayMs?: number | undefined;
  readonly watch?: AttemptWatch | undefined;
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
            ? attempt(new CallContext(this.method, number, item, scope))
            : attemptWithTimeout(attempt, this.method, number, item, scope, this.timeoutMs, {
                watch: call?.watch,
                interruptSync: this.#interruptSync,
              });
        return isThenable(output) ? await output : output;
      } catch (error) {
        // After cancellation a failure is usually its consequence: report it as it is, never retry it.
        if (scope.cancelled || number > this.retries || isNonRetryable(error)) {
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
}

/**
 * One attempt bounded by `timeoutMs`: when the time is up, the attempt's
 * signal aborts with a `MethodTimeoutError` and the attempt fails with it,
 * whether or not the method honours its signal. The timer cannot fire while
 * the attempt runs synchronously: with `interruptSync` its synchronous part is
 * interrupted at the timeout, and a `watch` lets someone outside the thread
 * see an attempt that overstays.
 */
function attemptWithTimeout(
  attempt: Attempt,
  method: string,
  number: number,
  item: number | undefined,
  scope: CallScope,
  timeoutMs: number,
  how: { readonly watch: AttemptWatch | undefined; readonly interruptSync: boolean },
): Promise<unknown> {
  if (scope.cancelled) return Promise.reject(scope.signal.reason);
  return new Promise((resolve, reject) => {
    const abort = new LazyAbort();
    const runSignal = scope.signal;
    const { watch } = how;
    const timer = setTimeout(() => {
      watch?.end();
      runSignal.removeEventListener("abort", onCancel);
      const error = new MethodTimeoutError(method, item, timeoutMs);
      abort.abort(error);
      reject(error);
    }, timeoutMs);
    // Following the run also clears the timer on cancellation, or a long timeout would keep the process alive.
    const onCancel = (): void => {
      watch?.end();
      clearTimeout(timer);
      abort.abort(runSignal.reason);
      reject(runSignal.reason);
    };
    runSignal.addEventListener("abort", onCancel, { once: true });
    const settle = (): void => {
      watch?.end();
      clearTimeout(timer);
      runSignal.removeEventListener("abort", onCancel);
    };
    watch?.begin(number, now() + timeoutMs);
    const context = new CallContext(method, number, item, abort);
    let output: unknown;
    try {
      output = how.interruptSync
        ? callInterruptibly(
            () => attempt(context),
            timeoutMs,
            () => new MethodTimeoutError(method, item, timeoutMs),
          )
        : attempt(context);
    } catch (error) {
      settle();
      // Interrupted at its timeout: listeners of its signal hear of it as they would of the timer.
      if (error instanceof MethodTimeoutError) abort.abort(error);
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
