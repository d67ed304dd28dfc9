/**
 * The straight-line path of a plain chain: single methods one after the
 * other, none with a retry or a timeout, each called in this thread by the
 * inline backend (direct-call.ts), and nobody listening for events. It is
 * built once per runner; a run is one async function that calls each method
 * and awaits only what is a promise, so that it costs what the hand-written
 * `await c(await b(await a(x)))` costs plus the one promise the run returns:
 * no run state, no event, no scope, a method returning a plain value no
 * promise at all.
 *
 * What a run promises is what the scheduler's general path promises for the
 * same chain: a method that throws or rejects fails the run with a
 * `MethodError` naming it, its `cause` the very error; a run with a `signal`
 * calls no method once it is aborted, rejects at once with a `CancelledError`
 * when it aborts during a call, and gives its calls a signal that aborts then
 * too (with the error that ended the run, as the general path does). In a run
 * without a signal, whose calls' signals never abort, a method that declares a
 * context parameter gets a context of its own per call, and any other one
 * context shared by all its calls (see `SharedDetachedContext`).
 */
import type { RunContext } from "./api.js";
import { CallContext, DetachedContext, isThenable, LazyAbort, SharedDetachedContext } from "./context.js";
import type { DirectMethod } from "./direct-call.js";
import { CancelledError, MethodError, type FlowError } from "./errors.js";
import { SignalWatcher } from "./signal-watch.js";

/** How the path calls a method: with its input and context (which a method without input ignores). */
type Call = (input: unknown, context: RunContext) => unknown;

/** The two ways to run a plain chain. */
export interface StraightLine {
  /** A run that nothing can cancel. */
  readonly run: (input: unknown) => Promise<unknown>;
  /** A run that `signal` cancels. */
  readonly runUnder: (input: unknown, signal: AbortSignal) => Promise<unknown>;
}

/** Builds the runs of the chain `steps` (in order) of the plan `planName`. */
export function straightLine(planName: string, steps: readonly DirectMethod[]): StraightLine {
  // Flat arrays read by index: a loop over step objects, or `for…of`, costs a measurable share of a short run.
  const count = steps.length;
  const names = steps.map((step) => step.name);
  // A method without an input parameter is called without arguments: it could not receive a context anyway.
  const calls = steps.map((step): Call => (step.takesInput ? step.fn : () => step.fn()));
  // A method that declares a context parameter gets a context of its own per call; the others share one.
  const shared = steps.map((step) =>
    step.takesInput && step.fn.length >= 2 ? undefined : new SharedDetachedContext(step.name),
  );
  const context = (i: number): RunContext => shared[i] ?? new DetachedContext(names[i] as string);
  const [call0, call1, call2, call3] = calls as [Call, Call?, Call?, Call?];

  // The first four calls are written out, each at a call site of its own: V8 keeps what it learns per call site,
  // so that in a process running one plan each site sees one method, which it can inline, where the loop's one
  // site sees every method of the chain. A chain of up to four methods runs 7–10 % faster so (W1); the rest
  // share the loop.
  const run = async (input: unknown): Promise<unknown> => {
    let value = input;
    let i = 0;
    try {
      value = call0(value, context(0));
      if (isThenable(value)) value = await value;
      if (count > 1) {
        i = 1;
        value = (call1 as Call)(value, context(1));
        if (isThenable(value)) value = await value;
      }
      if (count > 2) {
        i = 2;
        value = (call2 as Call)(value, context(2));
        if (isThenable(value)) value = await value;
      }
      if (count > 3) {
        i = 3;
        value = (call3 as Call)(value, context(3));
        if (isThenable(value)) value = await value;
      }
      for (i = 4; i < count; i++) {
        value = (calls[i] as Call)(value, context(i));
        if (isThenable(value)) value = await value;
      }
    } catch (error) {
      throw new MethodError(names[i] as string, undefined, 1, error);
    }
    return value;
  };

  /** The calls of `cancellable`, which stop at the first that ends it. */
  const drive = async (cancellable: CancellableRun, input: unknown): Promise<void> => {
    let value = input;
    let i = 0;
    try {
      for (; i < count; i++) {
        // Cancelled during the call before: the run has already settled.
        if (cancellable.settled) return;
        const name = names[i] as string;
        value = (calls[i] as Call)(value, new CallContext(name, 1, undefined, cancellable.abort));
        if (isThenable(value)) value = await value;
      }
    } catch (error) {
      cancellable.fail(new MethodError(names[i] as string, undefined, 1, error));
      return;
    }
    cancellable.succeed(value);
  };

  const runUnder = (input: unknown, signal: AbortSignal): Promise<unknown> => {
    if (signal.aborted) return Promise.reject(new CancelledError(planName, signal.reason));
    return new Promise((resolve, reject) => {
      const cancellable = new CancellableRun(planName, signal, resolve, reject);
      void drive(cancellable, input);
    });
  };

  return { run, runUnder };
}

/** The state of a run that a signal may cancel. */
class CancellableRun extends SignalWatcher {
  /** The source of its calls' signals. */
  readonly abort = new LazyAbort();
  settled = false;
  readonly #planName: string;
  readonly #resolve: (value: unknown) => void;
  readonly #reject: (error: unknown) => void;

  constructor(
    planName: string,
    signal: AbortSignal,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ) {
    super();
    this.#planName = planName;
    this.#resolve = resolve;
    this.#reject = reject;
    this.watch(signal);
  }

  cancel(reason: unknown): void {
    this.fail(new CancelledError(this.#planName, reason));
  }

  fail(error: FlowError): void {
    if (this.settled) return;
    this.settled = true;
    this.unwatch();
    this.abort.abort(error);
    this.#reject(error);
  }

  succeed(value: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.unwatch();
    this.#resolve(value);
  }
}
