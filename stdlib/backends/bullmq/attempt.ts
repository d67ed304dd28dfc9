/**
 * One attempt of one call inside a worker: the method runs with a context
 * whose signal aborts when the attempt times out, its run ends, or the
 * worker hands its jobs back; the attempt settles at that moment even if the
 * method ignores its signal, so a stuck method never holds a job.
 *
 * The retry loop is not here: retries are BullMQ attempts of the shard job
 * (so that another worker may take the retry). The attempt itself, with its
 * timeout, is the kit's bounded attempt, numbered from the job; whether a
 * failure is final is the call policy's `isFinalFailure`.
 */
import type { RunContext } from "../../api.js";
import { isThenable } from "../../context.js";
import { boundedAttempt } from "../../kit/attempt.js";
import { watchRun, type Abort } from "./run-ends.js";

export type Outcome =
  | { readonly ok: true; readonly value: unknown; readonly ms: number }
  | {
      readonly ok: false;
      readonly error: unknown;
      /** `failed`: the method threw, rejected or timed out; `ended`: its run is over; `shutdown`: the worker is handing its jobs back. */
      readonly kind: "failed" | "ended" | "shutdown";
    };

/** What the attempts of one shard share (one object a shard, not one an item). */
export interface AttemptSpec {
  readonly method: string;
  readonly attempt: number;
  readonly timeoutMs: number | null;
  readonly run: string;
  /** Whether to measure the call's duration (only when someone listens: reading the clock costs). */
  readonly timed: boolean;
  /** The worker's attempts in flight, aborted together when it hands its jobs back. */
  readonly inFlight: Set<Abort>;
  /** In a fallback's call: the error of the method it stands in for (`ctx.error`). */
  readonly error?: unknown;
}

/**
 * Runs one attempt. A method that returns a plain value settles at once,
 * without a promise: nothing could have interrupted it, as in process, so
 * watching its run or its timeout would only cost time on every item.
 */
export function runAttempt(
  invoke: (input: unknown, context: RunContext) => unknown,
  input: unknown,
  item: number | undefined,
  spec: AttemptSpec,
): Outcome | Promise<Outcome> {
  const started = spec.timed || spec.timeoutMs !== null ? performance.now() : 0;
  /** Why the attempt was stopped from outside, if it was. */
  let ended: "ended" | "shutdown" | undefined;
  const follow = (stopAttempt: (reason: unknown) => void): (() => void) => {
    const stop =
      (kind: "ended" | "shutdown"): Abort =>
      (reason) => {
        ended ??= kind;
        stopAttempt(reason);
      };
    const unwatch = watchRun(spec.run, stop("ended"));
    const onShutdown = stop("shutdown");
    spec.inFlight.add(onShutdown);
    return () => {
      unwatch();
      spec.inFlight.delete(onShutdown);
    };
  };
  let output: unknown;
  try {
    output = boundedAttempt((context) => invoke(input, context), {
      method: spec.method,
      number: spec.attempt,
      item,
      timeoutMs: spec.timeoutMs,
      started,
      follow,
      error: spec.error,
    });
  } catch (error) {
    return { ok: false, error, kind: "failed" };
  }
  const ms = (): number => (spec.timed ? performance.now() - started : 0);
  if (!isThenable(output)) return { ok: true, value: output, ms: ms() };
  return Promise.resolve(output).then(
    (value): Outcome => ({ ok: true, value, ms: ms() }),
    (error: unknown): Outcome => ({ ok: false, error, kind: ended ?? "failed" }),
  );
}
