/**
 * What only a backend that runs methods in the caller's thread can promise:
 * a method's error reaches the caller as the very object it threw, and a
 * call's signal aborts with the very error that ended its run. The shared
 * conformance suite (./conformance.ts) holds every backend only to what
 * survives a transport: names, messages and fields.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  CancelledError,
  createRunner,
  inline,
  MethodError,
  MethodTimeoutError,
  NonRetryableError,
  type AnyMethod,
  type MethodTable,
  type PlanDescriptor,
  type RunContext,
  type Runner,
} from "../../stdlib/index.js";
import { deferred, untilAborted } from "./latch.js";
import { buildPlan, chain } from "./plans.js";

const runners: Runner<unknown, unknown>[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.close()));
});

function make<I, O>(plan: PlanDescriptor, methods: Record<string, AnyMethod>): Runner<I, O> {
  const runner = createRunner<I, O>(plan, methods as MethodTable, {
    backend: inline(),
    retryBackoff: { baseMs: 1, maxMs: 4 },
  });
  runners.push(runner as Runner<unknown, unknown>);
  return runner;
}

describe("errors are the very objects (inline)", () => {
  it("gives a MethodError the method's own error as its cause", async () => {
    const cause = new Error("disk full");
    const runner = make<number, number>(chain("a", "save"), {
      a: (x: number) => x,
      save: () => {
        throw cause;
      },
    });
    const error = await runner.run(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    expect((error as MethodError).cause).toBe(cause);
  });

  it("gives a MethodError the NonRetryableError the method threw as its cause", async () => {
    const cause = new NonRetryableError("row 3 has no id");
    const runner = make<number, number>(buildPlan({ load: { retries: 5 } }), {
      load: () => {
        throw cause;
      },
    });
    const error = await runner.run(1).catch((e: unknown) => e);
    expect((error as MethodError).cause).toBe(cause);
  });

  it("aborts a timed-out call's signal with the MethodTimeoutError that becomes the cause", async () => {
    let signal: AbortSignal | undefined;
    const runner = make<number, number>(buildPlan({ slow: { timeoutMs: 20 } }), {
      slow: (_: number, context: RunContext) => {
        signal = context.signal;
        return untilAborted(context.signal);
      },
    });
    const error = await runner.run(1).catch((e: unknown) => e);
    const cause = (error as MethodError).cause;
    expect(cause).toBeInstanceOf(MethodTimeoutError);
    expect(signal?.reason).toBe(cause);
  });

  it("aborts the calls in flight with the error that failed the run", async () => {
    const cStarted = deferred();
    let cSignal: AbortSignal | undefined;
    // Two sources: both start with the run.
    const runner = make<number, unknown>(buildPlan({ b: {}, c: {} }), {
      b: async () => {
        await cStarted.promise;
        throw new Error("b broke");
      },
      c: (_: number, context: RunContext) => {
        cSignal = context.signal;
        cStarted.resolve();
        return untilAborted(context.signal);
      },
    });
    const error = await runner.run(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    expect(cSignal?.reason).toBe(error);
  });

  it("aborts the calls in flight with the run's CancelledError", async () => {
    const started = deferred<AbortSignal>();
    const runner = make<number, number>(chain("a", "hang"), {
      a: (x: number) => x,
      hang: (_: number, context: RunContext) => {
        started.resolve(context.signal);
        return new Promise(() => undefined);
      },
    });
    const controller = new AbortController();
    const run = runner.run(1, { signal: controller.signal });
    const signal = await started.promise;
    controller.abort(new Error("user stop"));
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect(signal.reason).toBe(error);
  });
});
