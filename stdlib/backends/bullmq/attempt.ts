/**
 * One attempt of one call inside a worker: the method runs with a context
 * whose signal aborts when the attempt times out, its run ends, or the
 * worker hands its jobs back; the attempt settles at that moment even if the
 * method ignores its signal, so a stuck method never holds a job.
 *
 * The retry loop is not here: retries are BullMQ attempts of the shard job
 * (so that another worker may take the retry), and the attempt number comes
 * from the job, which is why the shared CallPolicy, which numbers its own
 * attempts, is not used.
 */
import type { RunContext } from "../../api.js";
import { CallContext, isThenable, LazyAbort } from "../../context.js";
import { MethodTimeoutError } from "../../errors.js";
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
  const abort = new LazyAbort();
  const started = spec.timed || spec.timeoutMs !== null ? performance.now() : 0;
  let output: unknown;
  try {
    output = invoke(input, new CallContext(spec.method, spec.attempt, item, abort));
  } catch (error) {
    return { ok: false, error, kind: "failed" };
  }
  if (!isThenable(output))
    return {
      ok: true,
      value: output,
      ms: spec.timed ? performance.now() - started : 0,
    };
  const pending = output;
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      unwatch();
      spec.inFlight.delete(onShutdown);
      resolve(outcome);
    };
    const stop =
      (kind: "ended" | "shutdown"): Abort =>
      (reason) => {
        abort.abort(reason);
        finish({ ok: false, error: reason, kind });
      };
    const unwatch = watchRun(spec.run, stop("ended"));
    const onShutdown = stop("shutdown");
    spec.inFlight.add(onShutdown);
    if (spec.timeoutMs !== null) {
      const timeoutMs = spec.timeoutMs;
      // Counted from the call, as if the timer had been set before it.
      timer = setTimeout(
        () => {
          const error = new MethodTimeoutError(spec.method, item, timeoutMs);
          abort.abort(error);
          finish({ ok: false, error, kind: "failed" });
        },
        Math.max(0, timeoutMs - (performance.now() - started)),
      );
    }
    pending.then(
      (value) =>
        finish({
          ok: true,
          value,
          ms: spec.timed ? performance.now() - started : 0,
        }),
      (error: unknown) => finish({ ok: false, error, kind: "failed" }),
    );
  });
}
