/**
 * What becomes of calls that failed for good (after their retries): their
 * `fallback` is called in their place, and what still failed is handled as
 * `on_error` says (fail the run, skip, or settle into `Settled` records),
 * within the stage's `max_failures`. The scheduler decides when; this module
 * decides what, for one single call or one parallel stage at a time.
 */
import type { BackendMethod, CallScope, FlowEvent, MapOptions, Settled, SettledError } from "./api.js";
import { isThenable } from "./context.js";
import { describe, errors, FlowError, ItemFailure, MethodError } from "./errors.js";
import type { MaxFailures, OnError } from "./plan.js";
import { now } from "./clock.js";

/** How one method recovers from failed calls. */
export interface Recovery {
  readonly method: string;
  /** The fallback's name and bound method, when the method has one. */
  readonly fallbackName: string | undefined;
  readonly fallback: BackendMethod | undefined;
  readonly onError: OnError;
  readonly maxFailures: MaxFailures | null;
}

/** How a run hears what became of one method whose failures are recovered from. */
export interface MethodEnd {
  readonly recovery: Recovery;
  /** Whether the run is over: then nothing more is reported. */
  over(): boolean;
  complete(output: unknown): void;
  /** The method is skipped (`on_error: skip`) for `error`. */
  skip(error: unknown): void;
  /** The run fails with `error`. */
  fail(error: unknown): void;
  /** A stage ended with failed items it tolerates (just before its `complete`). */
  tolerated(outcome: StageOutcome, items: number): void;
}

/**
 * Calls a single method whose call, when it fails for good, is recovered
 * from (a fallback, or `on_error: skip`). Only the method's own failure is:
 * the run's (closed, cancelled, Redis lost) fails the run.
 */
export function callRecovering(method: BackendMethod, input: unknown, scope: CallScope, end: MethodEnd): void {
  const recover = (error: unknown): void => {
    if (end.over()) return;
    if (!(error instanceof MethodError) && error instanceof FlowError) {
      end.fail(error);
      return;
    }
    const failure = error instanceof MethodError ? error : new MethodError(end.recovery.method, undefined, 1, error);
    recoverCall(end.recovery, input, failure, scope).then((recovered) => {
      if (recovered.kind === "value") end.complete(recovered.value);
      else end.skip(recovered.error);
    }, end.fail);
  };
  let output: unknown;
  try {
    output = method.call(input, scope);
  } catch (error) {
    recover(error);
    return;
  }
  if (isThenable(output)) output.then(end.complete, recover);
  else end.complete(output);
}

/**
 * Runs a parallel stage whose failed items do not fail the map at once
 * (`map` is given `{ tolerate: true, failed }`, to which it may add the
 * other `MapOptions`): failures are counted as they come, so that
 * `max_failures` stops the stage as soon as it is passed, then
 * `recoverItems` settles them. `items`: the stage's input when it is an
 * array; `length`: its length when known.
 */
export function mapTolerant(
  map: (options: MapOptions) => Promise<unknown[]>,
  items: readonly unknown[] | undefined,
  length: number | undefined,
  lanes: number,
  scope: CallScope,
  end: MethodEnd,
): void {
  const recovery = end.recovery;
  const count = new FailureCount(recovery.method, recovery.maxFailures, length);
  const failed = (_position: number, error: unknown): void => {
    if (end.over()) return;
    const tooMany = count.add(error);
    if (tooMany !== undefined) end.fail(tooMany);
  };
  map({ tolerate: true, failed })
    .then(async (outputs) => {
      if (end.over()) return;
      const tooMany = count.check(outputs.length);
      if (tooMany !== undefined) {
        end.fail(tooMany);
        return;
      }
      if (count.count === 0 && recovery.onError !== "settle") {
        end.complete(outputs);
        return;
      }
      const outcome = await recoverItems(recovery, items, outputs, lanes, scope);
      if (end.over()) return;
      if (outcome.failed.length > 0) end.tolerated(outcome, outputs.length);
      end.complete(outcome.outputs);
    })
    .catch(end.fail);
}

/** What a failed single call comes to, when it does not fail the run. */
export type Recovered =
  | { readonly kind: "value"; readonly value: unknown }
  /** Skipped (`on_error: skip`), for `error`: the method's own, or the `FallbackFailedError`. */
  | { readonly kind: "skip"; readonly error: unknown };

/**
 * Recovers from a single call's failure `failure` (a `MethodError`): its fallback's
 * output, or a skip; rejects with the error that fails the run.
 */
export async function recoverCall(
  recovery: Recovery,
  input: unknown,
  failure: MethodError,
  scope: CallScope,
): Promise<Recovered> {
  let error: FlowError = failure;
  if (recovery.fallback !== undefined) {
    const outcome = await callFallback(recovery, input, undefined, failure, scope);
    if (outcome.ok) return { kind: "value", value: outcome.value };
    error = outcome.error;
  }
  if (recovery.onError === "skip") return { kind: "skip", error: error === failure ? failure.cause : error };
  throw error;
}

/** How many failed items a stage of `items` tolerates (`Infinity`: no limit, or a percent of a length not yet known). */
export function failureLimit(limit: MaxFailures | null, items: number | undefined): number {
  if (limit === null) return Infinity;
  if (limit.kind === "count") return limit.value;
  return items === undefined ? Infinity : Math.floor((limit.value * items) / 100);
}

/**
 * Counts a stage's failed items as they are reported, so that the stage
 * gives up as soon as it has more than `max_failures` allows.
 */
export class FailureCount {
  count = 0;
  /** The first failure reported: the `cause` of a `TooManyFailuresError`. */
  first: unknown;
  readonly #method: string;
  readonly #setting: MaxFailures | null;
  readonly #items: number | undefined;
  readonly #limit: number;

  constructor(method: string, setting: MaxFailures | null, items: number | undefined) {
    this.#method = method;
    this.#setting = setting;
    this.#items = items;
    this.#limit = failureLimit(setting, items);
  }

  /** Counts one failed item; returns the error that ends the stage once there are too many. */
  add(error: unknown): FlowError | undefined {
    if (this.count++ === 0) this.first = error;
    return this.count > this.#limit ? this.#tooMany(this.#limit, this.#items) : undefined;
  }

  /** At the end of a stage of `items` (a stream's length, now known): the error when there were too many. */
  check(items: number): FlowError | undefined {
    const limit = failureLimit(this.#setting, items);
    return this.count > limit ? this.#tooMany(limit, items) : undefined;
  }

  #tooMany(limit: number, items: number | undefined): FlowError {
    const setting = this.#setting;
    const wrote = setting === null ? "" : setting.kind === "count" ? `${setting.value}` : `${setting.value}%`;
    return errors.tooManyFailures(this.#method, this.count, items, limit, `max_failures: ${wrote}`, this.first);
  }
}

/** What a stage with failed items comes to. */
export interface StageOutcome {
  readonly outputs: unknown[];
  /** Failed items (those a fallback stood in for included), their indices ascending, and how many were recovered. */
  readonly failed: readonly number[];
  readonly recovered: number;
}

/**
 * Settles a tolerant stage's `outputs` (in which failed items are
 * `ItemFailure`s): each failed item's fallback (at most `lanes` at once),
 * then `on_error` for what still failed. Rejects with the error that fails
 * the run. `items` are the stage's inputs when it was given an array.
 */
export async function recoverItems(
  recovery: Recovery,
  items: readonly unknown[] | undefined,
  outputs: unknown[],
  lanes: number,
  scope: CallScope,
): Promise<StageOutcome> {
  const failed: number[] = [];
  for (let k = 0; k < outputs.length; k++) if (outputs[k] instanceof ItemFailure) failed.push(k);
  const errorsAt = new Map<number, FlowError>();
  let recovered = 0;
  if (recovery.fallback !== undefined && failed.length > 0) {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < failed.length && !scope.cancelled) {
        const k = failed[next++] ?? 0;
        const failure = outputs[k] as ItemFailure;
        const input = items === undefined ? failure.input : items[k];
        const outcome = await callFallback(recovery, input, k, failure.error, scope);
        if (outcome.ok) {
          outputs[k] = outcome.value;
          recovered++;
        } else {
          errorsAt.set(k, outcome.error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, failed.length)) }, lane));
  }
  const settle = recovery.onError === "settle";
  for (let k = 0; k < outputs.length; k++) {
    const output = outputs[k];
    if (output instanceof ItemFailure) {
      if (recovery.onError === "fail") throw errorsAt.get(k) ?? output.error;
      outputs[k] = settle
        ? ({ ok: false, error: settledError(output.error.cause) } satisfies Settled<unknown>)
        : undefined;
    } else if (settle) {
      outputs[k] = { ok: true, value: output } satisfies Settled<unknown>;
    }
  }
  return { outputs, failed, recovered };
}

/** The error of a failed item as a `Settled` record keeps it: what survives any transport. */
export function settledError(error: unknown): SettledError {
  if (typeof error === "object" && error !== null) {
    const { name, message, code } = error as { name?: unknown; message?: unknown; code?: unknown };
    if (typeof name === "string" && typeof message === "string") {
      return typeof code === "string" ? { name, message, code } : { name, message };
    }
  }
  return { name: "Error", message: describe(error) };
}

/** A `items:tolerated` event for a stage of `items` that succeeded with the failed items of `outcome`. */
export function toleratedEvent(runId: string, method: string, outcome: StageOutcome, items: number): FlowEvent {
  return {
    type: "items:tolerated",
    runId,
    time: now(),
    method,
    failed: outcome.failed.length,
    recovered: outcome.recovered,
    items,
    indices: outcome.failed.slice(0, 100),
  };
}

/** Calls the fallback in place of a call that failed with `failure`; its failure becomes a `FallbackFailedError`. */
async function callFallback(
  recovery: Recovery,
  input: unknown,
  item: number | undefined,
  failure: MethodError,
  scope: CallScope,
): Promise<{ readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: FlowError }> {
  const fallback = recovery.fallback as BackendMethod;
  const name = recovery.fallbackName ?? "";
  const cause = failure.cause;
  scope.emit?.({
    type: "call:fallback",
    runId: scope.runId,
    time: now(),
    method: recovery.method,
    fallback: name,
    item,
    error: cause,
  });
  try {
    const output = fallback.call(input, scope, item === undefined ? { error: cause } : { item, error: cause });
    return { ok: true, value: isThenable(output) ? await output : output };
  } catch (error) {
    const fallbackError = error instanceof MethodError ? error : new MethodError(name, item, 1, error);
    return { ok: false, error: errors.fallbackFailed(recovery.method, name, item, failure, fallbackError) };
  }
}
