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
import { watchRun, type Abort } from "./same-process.js";

export type Outcome =
  | { readonly ok: true; readonly value: unknown; readonly ms: number }
  | {
      readonly ok: false;
      readonly error: unknown;
      /** `failed`: the method threw, rejected or timed out; `ended`: its run is over; `shutdown`: the worker is handing its jobs back. */
      readonly kind: "failed" | "ended" | "shutdown";
    };

export interface AttemptSpec {
  readonly method: string;
  readonly attempt: number;
  readonly item: number | undefined;
  readonly timeoutMs: number | null;
  readonly run: string;
  /** The worker's attempts in flight, aborted together when it hands its jobs back. */
  readonly inFlight: Set<Abort>;
}

export function runAttempt(invoke: (context: RunContext) => unknown, spec: AttemptSpec): Promise<Outcome> {
  return new Promise((resolve) => {
    const abort = new LazyAbort();
    const started = performance.now();
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
      timer = setTimeout(() => {
        const error = new MethodTimeoutError(spec.method, spec.item, timeoutMs);
        abort.abort(error);
        finish({ ok: false, error, kind: "failed" });
      }, timeoutMs);
    }
    let output: unknown;
    try {
      output = invoke(new CallContext(spec.method, spec.attempt, spec.item, abort));
    } catch (error) {
      finish({ ok: false, error, kind: "failed" });
      return;
    }
    if (!isThenable(output)) {
      finish({ ok: true, value: output, ms: performance.now() - started });
      return;
    }
    output.then(
      (value) => finish({ ok: true, value, ms: performance.now() - started }),
      (error: unknown) => finish({ ok: false, error, kind: "failed" }),
    );
  });
}
