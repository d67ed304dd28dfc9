/**
 * Run contexts and the signals behind them. Creating an `AbortController` and
 * reading its signal costs microseconds in Node — more than a whole run of a
 * short chain — so every signal here is made on first access, and most calls,
 * whose methods never look at it, never pay for one.
 */
import type { RunContext } from "./api.js";

/** Anything that can hand out an abort signal on demand. */
export interface SignalSource {
  readonly signal: AbortSignal;
}

/** The context of one attempt; its signal comes from the run or the attempt's timeout. */
export class CallContext implements RunContext {
  readonly method: string;
  readonly attempt: number;
  readonly item: number | undefined;
  /** In a `fallback`'s call: the error of the method it stands in for. */
  readonly error: unknown;
  readonly #source: SignalSource;

  constructor(method: string, attempt: number, item: number | undefined, source: SignalSource, error?: unknown) {
    this.method = method;
    this.attempt = attempt;
    this.item = item;
    this.error = error;
    this.#source = source;
  }

  get signal(): AbortSignal {
    return this.#source.signal;
  }
}

/**
 * The context of a call that nothing can cancel (the straight-line path of
 * plain chains). Its signal never aborts; each context makes its own so that
 * listeners a method adds are collected with the call instead of piling up
 * on a shared signal.
 */
export class DetachedContext implements RunContext {
  readonly method: string;
  readonly attempt = 1;
  readonly item: number | undefined;
  #signal: AbortSignal | undefined;

  constructor(method: string, item?: number) {
    this.method = method;
    this.item = item;
  }

  get signal(): AbortSignal {
    return (this.#signal ??= new AbortController().signal);
  }
}

/**
 * What the straight-line path gives every call of a method that declares no
 * context parameter (its `length` is below 2): one context per method, made
 * once, since such a method reaches its second argument only through a rest or
 * default parameter, `arguments` or a wrapper, and a context made for every
 * call would cost a good part of a short chain's run. Nothing in it differs
 * from one call to the next: it is frozen, and its signal, which never aborts,
 * is made anew on each read, so that listeners added in one call are
 * collected with that call's signal.
 */
export class SharedDetachedContext implements RunContext {
  readonly method: string;
  readonly attempt = 1;
  readonly item = undefined;

  constructor(method: string) {
    this.method = method;
    Object.freeze(this);
  }

  get signal(): AbortSignal {
    return new AbortController().signal;
  }
}

/**
 * A cancellation point created lazily: `abort` before anyone asked for the
 * signal only records the reason, and a signal asked for afterwards is born
 * aborted.
 */
export class LazyAbort implements SignalSource {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

/** Whether `value` is a promise or promise-like (what `await` would wait for). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
