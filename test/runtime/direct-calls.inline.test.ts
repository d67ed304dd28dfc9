/**
 * What the inline backend's methods cost when nobody listens: a plain chain
 * runs on the straight-line path (stdlib/straight-line.ts), and other plans
 * call their plain methods directly rather than through the call policy. Both
 * are held to the scheduler's general path: the same plan, run by a runner
 * nobody listens to and by one with a listener (where every call goes through
 * the backend), must settle alike — outputs, errors (class, code, message,
 * method, item, attempts, the very cause), cancellation — and give its methods
 * the same contexts; and a chain must take no more microtask turns than the
 * hand-written chain over the same methods. (A little over the usual length:
 * every case goes through the same few helpers that run both paths.)
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  CancelledError,
  createRunner,
  MethodError,
  NonRetryableError,
  type AnyMethod,
  type MethodTable,
  type PlanDescriptor,
  type RunContext,
  type Runner,
  type RunOptions,
} from "../../stdlib/index.js";
import { deferred, settle } from "./latch.js";
import { buildPlan, chain } from "./plans.js";

const runners: Runner<unknown, unknown>[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.close()));
});

/** The same plan and methods on the straight-line path (`plain`) and on the general path (`observed`). */
function bothPaths<I, O>(
  plan: PlanDescriptor,
  methods: Record<string, AnyMethod>,
): { plain: Runner<I, O>; observed: Runner<I, O> } {
  const plain = createRunner<I, O>(plan, methods as MethodTable);
  const observed = createRunner<I, O>(plan, methods as MethodTable, { onEvent: () => undefined });
  runners.push(plain as Runner<unknown, unknown>, observed as Runner<unknown, unknown>);
  return { plain, observed };
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: Record<string, unknown>; cause: unknown };

/** How a run settled, with every field of its error that a caller may read. */
async function outcome(run: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await run };
  } catch (error) {
    const { name, code, message, method, item, attempts } = error as MethodError;
    return {
      ok: false,
      error: { class: (error as object).constructor.name, name, code, message, method, item, attempts },
      cause: (error as MethodError).cause,
    };
  }
}

/**
 * Runs `plan` on both paths, without a signal and under one that never aborts
 * (such a run takes a path of its own), and expects the same outcomes.
 */
async function expectAlike(plan: PlanDescriptor, methods: Record<string, AnyMethod>, label: string): Promise<void> {
  const { plain, observed } = bothPaths<number, unknown>(plan, methods);
  for (const options of [undefined, { signal: new AbortController().signal }]) {
    const where = `${label}${options === undefined ? "" : ", under a signal"}`;
    const [fast, general] = [await outcome(plain.run(1, options)), await outcome(observed.run(1, options))];
    expect(fast, where).toEqual(general);
    if (!fast.ok && !general.ok) expect(fast.cause, where).toBe(general.cause);
  }
}

/** Microtask turns until `promise` settles (which must take no macrotask). */
async function turnsUntil(promise: Promise<unknown>): Promise<number> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  let turns = 0;
  while (!settled) {
    if (turns === 100) throw new Error("not settled after 100 microtask turns");
    await null;
    turns++;
  }
  return turns;
}

const cause = new RangeError("row 3 is out of range");
const flowCause = new NonRetryableError("row 3 has no id");

/** Ways a step can answer, each given `x` and a context. */
const steps: Record<string, (x: number) => unknown> = {
  value: (x) => x + 1,
  promise: async (x) => x + 1,
  thenable: (x) => ({ then: (resolve: (value: number) => void) => resolve(x + 1) }),
  "object without then": (x) => ({ x }),
  throws: () => {
    throw cause;
  },
  rejects: async () => {
    throw cause;
  },
  "rejecting thenable": () => ({ then: (_: unknown, reject: (error: unknown) => void) => reject(cause) }),
  "throws a string": () => {
    throw "not an Error";
  },
  "throws a FlowError": () => {
    throw flowCause;
  },
  "rejects with a FlowError": async () => {
    throw flowCause;
  },
  // A promise settles once; a thenable may answer twice, and only its first answer counts.
  "thenable answering twice": (x) => ({
    then: (resolve: (value: number) => void, reject: (error: unknown) => void) => {
      resolve(x + 1);
      reject(cause);
    },
  }),
};

describe("the straight-line path against the general path (inline)", () => {
  it("settles alike whatever a step returns or throws, wherever it is in the chain", async () => {
    for (const [what, step] of Object.entries(steps)) {
      for (let position = 0; position < 3; position++) {
        const methods = Object.fromEntries(
          ["a", "b", "c"].map((name, i) => [name, i === position ? step : (x: number) => Promise.resolve(x)]),
        );
        await expectAlike(chain("a", "b", "c"), methods, `${what} at ${position}`);
      }
    }
  });

  it("settles alike for chains of one to six methods, whichever fails", async () => {
    const rejects = async (): Promise<never> => {
      throw cause;
    };
    for (let length = 1; length <= 6; length++) {
      const names = Array.from({ length }, (_, i) => `m${i}`);
      // -1: none fails; each method adds its index to what it was given.
      for (let failing = -1; failing < length; failing++) {
        const methods = Object.fromEntries(
          names.map((name, i) => [name, i === failing ? rejects : async (x: number) => x * 10 + i]),
        );
        await expectAlike(chain(...names), methods, `${failing} failing of ${length}`);
      }
    }
  });

  it("names the failing method, its attempt and no item, with the method's own error as the cause", async () => {
    const { plain } = bothPaths<number, number>(chain("load", "check", "save"), {
      load: async (x: number) => x,
      check: async () => {
        throw cause;
      },
      save: (x: number) => x,
    });
    const error = await plain.run(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    expect(error).toMatchObject({ method: "check", item: undefined, attempts: 1 });
    expect((error as MethodError).message).toBe("Method 'check' failed after 1 attempt: row 3 is out of range");
    expect((error as MethodError).cause).toBe(cause);
  });

  it("gives a method the context the general path gives it", async () => {
    const seen: Record<string, unknown>[] = [];
    const note = (context: RunContext): void => {
      seen.push({
        method: context.method,
        attempt: context.attempt,
        item: context.item,
        signal: context.signal instanceof AbortSignal,
        aborted: context.signal.aborted,
        spread: { ...context },
      });
    };
    // `declared` names its context; `unnamed` reaches it without a parameter, as wrappers do.
    const methods = {
      declared: (x: number, context: RunContext) => {
        note(context);
        return x + 1;
      },
      unnamed: function (x: number) {
        // eslint-disable-next-line prefer-rest-params
        note(arguments[1] as RunContext);
        return x * 2;
      },
    };
    const { plain, observed } = bothPaths<number, number>(chain("declared", "unnamed"), methods);
    expect(await plain.run(1)).toBe(4);
    const fast = seen.splice(0);
    expect(await observed.run(1)).toBe(4);
    expect(fast).toEqual(seen);
    expect(fast).toEqual([
      expect.objectContaining({ method: "declared", attempt: 1, item: undefined, signal: true, aborted: false }),
      expect.objectContaining({ method: "unnamed", attempt: 1, item: undefined, signal: true, aborted: false }),
    ]);
  });

  it("gives a method that declares its context one of its own per call, and the others one that holds nothing of a call", async () => {
    const declared: RunContext[] = [];
    const unnamed: RunContext[] = [];
    const methods = {
      declared: (x: number, context: RunContext) => {
        declared.push(context);
        return x;
      },
      unnamed: function (x: number) {
        // eslint-disable-next-line prefer-rest-params
        unnamed.push(arguments[1] as RunContext);
        return x;
      },
    };
    const { plain } = bothPaths<number, number>(chain("declared", "unnamed"), methods);
    await Promise.all([plain.run(1), plain.run(2)]);
    const [first, second] = declared as [RunContext, RunContext];
    expect(first).not.toBe(second);
    expect(first.signal).toBe(first.signal);
    const shared = unnamed[0] as RunContext;
    expect(unnamed[1]).toBe(shared);
    expect(Object.isFrozen(shared)).toBe(true);
    // Its signal never aborts and is made on each read, so nothing a call adds to it reaches another call.
    expect(shared.signal).not.toBe(shared.signal);
    expect(shared.signal.aborted).toBe(false);
  });
});

describe("fan-out and fan-in plans calling their methods directly (inline)", () => {
  // split → (left, right) → join, with `left` and `right` also sinks' neighbours: a fan-out and a fan-in.
  const plan = buildPlan({ split: {}, left: {}, right: {}, join: {} }, [
    ["split", "left"],
    ["split", "right"],
    ["left", "join"],
    ["right", "join"],
  ]);

  it("settles alike whatever a method returns or throws, wherever it is in the plan", async () => {
    const names = ["split", "left", "right", "join"];
    for (const [what, step] of Object.entries(steps)) {
      for (const failing of names) {
        const methods = Object.fromEntries(
          names.map((name) => [
            name,
            name === failing
              ? step
              : name === "join"
                ? async (input: { left: unknown; right: unknown }) => [input.left, input.right]
                : async (x: unknown) => x,
          ]),
        );
        await expectAlike(plan, methods, `${what} in ${failing}`);
      }
    }
  });

  it("gives each call a context of its own on the run, which aborts with the error that ended it", async () => {
    const started = deferred();
    let signal: AbortSignal | undefined;
    const contexts: RunContext[] = [];
    const { plain } = bothPaths<number, unknown>(plan, {
      split: (x: number, context: RunContext) => {
        contexts.push(context);
        return x;
      },
      left: (_: number, context: RunContext) => {
        contexts.push(context);
        signal = context.signal;
        started.resolve();
        return new Promise(() => undefined);
      },
      right: async () => {
        await started.promise;
        throw cause;
      },
      join: (x: unknown) => x,
    });
    const error = await plain.run(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    expect(error).toMatchObject({ method: "right", attempts: 1 });
    expect(contexts.map(({ method, attempt, item }) => ({ method, attempt, item }))).toEqual([
      { method: "split", attempt: 1, item: undefined },
      { method: "left", attempt: 1, item: undefined },
    ]);
    expect(signal?.reason).toBe(error);
  });
});

describe("microtask turns of the straight-line path (inline)", () => {
  const a = async (x: number): Promise<number> => x + 1;
  const b = async (x: number): Promise<number> => x * 2;
  const c = async (x: number): Promise<number> => x - 3;

  it("settles a chain of async methods in as many turns as the hand-written chain", async () => {
    const { plain } = bothPaths<number, number>(chain("a", "b", "c"), { a, b, c });
    await plain.run(0); // opens the backend
    const hand = await turnsUntil((async () => await c(await b(await a(1))))());
    expect(await turnsUntil(plain.run(1))).toBe(hand);
  });

  it("costs no turn for a method that returns a plain value", async () => {
    const { plain } = bothPaths<number, number>(chain("a", "b", "c"), {
      a: (x: number) => x + 1,
      b,
      c: (x: number) => x - 3,
    });
    await plain.run(0);
    const hand = await turnsUntil((async () => await b(1))());
    expect(await turnsUntil(plain.run(0))).toBe(hand);
    const sync = bothPaths<number, number>(chain("a", "c"), { a: (x: number) => x + 1, c: (x: number) => x - 3 });
    await sync.plain.run(0);
    expect(await turnsUntil(sync.plain.run(0))).toBe(await turnsUntil(Promise.resolve(0)));
  });
});

describe("cancellation on the straight-line path (inline)", () => {
  /** A chain whose first step aborts the run's signal, synchronously or from a promise, then answers. */
  function abortingChain(controller: AbortController, reason: unknown, asynchronously: boolean) {
    const called: string[] = [];
    const signals: AbortSignal[] = [];
    const methods = {
      a: (x: number, context: RunContext) => {
        called.push("a");
        signals.push(context.signal);
        if (!asynchronously) {
          controller.abort(reason);
          return x;
        }
        return Promise.resolve().then(() => {
          controller.abort(reason);
          return x;
        });
      },
      b: (x: number) => {
        called.push("b");
        return x;
      },
    };
    return { methods, called, signals };
  }

  for (const asynchronously of [false, true]) {
    it(`calls no method after the signal aborts between steps (${asynchronously ? "a promise" : "a plain value"})`, async () => {
      for (const path of ["plain", "observed"] as const) {
        const controller = new AbortController();
        const reason = new Error("user stop");
        const { methods, called, signals } = abortingChain(controller, reason, asynchronously);
        const runner = bothPaths<number, number>(chain("a", "b"), methods)[path];
        const error = await runner.run(1, { signal: controller.signal }).catch((e: unknown) => e);
        expect(error, path).toBeInstanceOf(CancelledError);
        expect((error as CancelledError).reason, path).toBe(reason);
        expect((error as CancelledError).message, path).toBe("Run of 'test' was cancelled: user stop");
        expect(called, path).toEqual(["a"]);
        // The call's signal aborts with the very error that ended its run.
        expect(signals[0]?.reason, path).toBe(error);
      }
    });
  }

  it("rejects at once when the signal aborts during a call, and calls nothing once that call answers", async () => {
    const pending = deferred<number>();
    const started = deferred();
    let after = 0;
    const { plain } = bothPaths<number, number>(chain("a", "wait", "after"), {
      a: (x: number) => x,
      wait: () => {
        started.resolve();
        return pending.promise;
      },
      after: (x: number) => {
        after++;
        return x;
      },
    });
    const controller = new AbortController();
    const run = plain.run(1, { signal: controller.signal });
    await started.promise;
    controller.abort("stop");
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    pending.resolve(2);
    await pending.promise;
    await settle();
    expect(after).toBe(0);
  });

  it("cancels exactly the runs still going under a shared signal, of either path", async () => {
    const gates = [deferred<number>(), deferred<number>(), deferred<number>()];
    let calls = 0;
    const methods = {
      wait: (gate: number) => {
        calls++;
        return (gates[gate] as { promise: Promise<number> }).promise;
      },
    };
    const { plain, observed } = bothPaths<number, number>(buildPlan({ wait: {} }), methods);
    const controller = new AbortController();
    const options: RunOptions = { signal: controller.signal };
    const runs = [plain.run(0, options), observed.run(1, options), plain.run(2, options)];
    // The middle one finishes first: it leaves the signal's runs from between the two others.
    gates[1]?.resolve(7);
    await expect(runs[1]).resolves.toBe(7);
    controller.abort("stop");
    await expect(runs[0]).rejects.toBeInstanceOf(CancelledError);
    await expect(runs[2]).rejects.toBeInstanceOf(CancelledError);
    // A later run under the aborted signal calls nothing.
    await expect(plain.run(0, options)).rejects.toBeInstanceOf(CancelledError);
    expect(calls).toBe(3);
  });

  it("finishes a run under a signal as the general path does", async () => {
    const controller = new AbortController();
    const methods = { a: async (x: number) => x + 1, b: (x: number) => x * 2 };
    const { plain, observed } = bothPaths<number, number>(chain("a", "b"), methods);
    for (let x = 0; x < 3; x++) {
      expect(await plain.run(x, { signal: controller.signal })).toBe(
        await observed.run(x, { signal: controller.signal }),
      );
    }
  });
});
