/**
 * Behaviour specific to the inline backend and to the runner around it:
 * lazy opening, how parallel stages use slots beyond the peak demand, the
 * straight-line path for plain chains, and a randomised comparison of the
 * scheduler with a reference evaluation.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  createRunner,
  inline,
  MethodError,
  type AnyMethod,
  type Backend,
  type FlowEvent,
  type MethodTable,
  type PlanDescriptor,
  type RunContext,
  type Runner,
  type RunnerOptions,
} from "../../stdlib/index.js";
import { shardEventProblems } from "./event-checks.js";
import { deferred, Gauge } from "./latch.js";
import { buildPlan, chain, type EdgeSpec } from "./plans.js";

const HANG = 10_000;
const runners: Runner<unknown, unknown>[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.close()));
});

function make<I = unknown, O = unknown>(
  plan: PlanDescriptor,
  methods: Record<string, AnyMethod>,
  options: RunnerOptions = {},
): Runner<I, O> {
  const runner = createRunner<I, O>(plan, methods as MethodTable, {
    retryBackoff: { baseMs: 1, maxMs: 4 },
    ...options,
  });
  runners.push(runner as Runner<unknown, unknown>);
  return runner;
}

/** The inline backend, counting how often it is opened and closed. */
function countingBackend(failFirstOpen = false): Backend & { opened: number; closed: number } {
  const backend = {
    name: "counting-inline",
    opened: 0,
    closed: 0,
    open: async (...args: Parameters<Backend["open"]>) => {
      backend.opened++;
      if (failFirstOpen && backend.opened === 1) throw new Error("no slot available");
      const session = await inline().open(...args);
      return {
        method: session.method.bind(session),
        close: async () => {
          backend.closed++;
          await session.close();
        },
      };
    },
  };
  return backend;
}

describe("runner lifecycle (inline)", () => {
  it("opens the backend on the first run only, once for concurrent first runs", async () => {
    const backend = countingBackend();
    const runner = make<number, number>(chain("a"), { a: (x: number) => x + 1 }, { backend });
    expect(backend.opened).toBe(0);
    await expect(Promise.all([runner.run(1), runner.run(2)])).resolves.toEqual([2, 3]);
    await runner.run(3);
    expect(backend.opened).toBe(1);
    await runner.close();
    await runner.close();
    expect(backend.closed).toBe(1);
  });

  it("tries to open again on the next run when opening failed", async () => {
    const backend = countingBackend(true);
    const runner = make<number, number>(chain("a"), { a: (x: number) => x + 1 }, { backend });
    await expect(runner.run(1)).rejects.toThrow("no slot available");
    await expect(runner.run(1)).resolves.toBe(2);
    expect(backend.opened).toBe(2);
  });

  it("never opens a backend for a runner closed before its first run", async () => {
    const backend = countingBackend();
    const runner = make<number, number>(chain("a"), { a: (x: number) => x }, { backend });
    await runner.close();
    await expect(runner.run(1)).rejects.toThrow("The runner of plan 'test' is closed.");
    expect(backend.opened).toBe(0);
  });

  it("gives every run its own id, distinct across runners", async () => {
    const ids = new Set<string>();
    const onEvent = (event: FlowEvent): void => {
      if (event.type === "run:start") ids.add(event.runId);
    };
    const first = make<number, number>(chain("a"), { a: (x: number) => x }, { onEvent });
    const second = make<number, number>(chain("a"), { a: (x: number) => x }, { onEvent });
    await Promise.all([first.run(1), first.run(2), second.run(1), second.run(2)]);
    expect(ids.size).toBe(4);
  });
});

describe("parallel lanes (inline)", () => {
  async function maxInFlight(
    spec: { minWorkers: number; maxWorkers?: number | null },
    items: number,
    workers: number | undefined,
    expected: number,
  ): Promise<number> {
    const gauge = new Gauge();
    const runner = make<number[], number[]>(
      buildPlan({ each: { mode: "parallel", ...spec } }),
      {
        each: async (x: number) => {
          gauge.enter();
          await gauge.atLeast(expected);
          gauge.leave();
          return x;
        },
      },
      { workers },
    );
    const input = Array.from({ length: items }, (_, i) => i);
    await expect(runner.run(input)).resolves.toEqual(input);
    return gauge.max;
  }

  it(
    "uses exactly min_worker_count lanes when the worker limit is the plan's demand",
    async () => {
      expect(await maxInFlight({ minWorkers: 3 }, 12, undefined, 3)).toBe(3);
    },
    HANG,
  );

  it(
    "scales out over spare workers up to max_worker_count",
    async () => {
      expect(await maxInFlight({ minWorkers: 2, maxWorkers: 4 }, 12, 6, 4)).toBe(4);
    },
    HANG,
  );

  it(
    "scales out over every spare worker when max_worker_count is unset, one lane per item at most",
    async () => {
      expect(await maxInFlight({ minWorkers: 2 }, 12, 5, 5)).toBe(5);
      expect(await maxInFlight({ minWorkers: 2 }, 3, 8, 3)).toBe(3);
    },
    HANG,
  );

  it(
    "never lets two parallel methods together exceed the worker limit",
    async () => {
      // Peak demand 4 (2 + 2), limit 6: the surplus of 2 goes to whichever starts first.
      const gauge = new Gauge();
      const each = async (x: number): Promise<number> => {
        gauge.enter();
        await gauge.atLeast(6);
        gauge.leave();
        return x;
      };
      const plan = buildPlan(
        { split: {}, left: { mode: "parallel", minWorkers: 2 }, right: { mode: "parallel", minWorkers: 2 } },
        [
          ["split", "left"],
          ["split", "right"],
        ],
      );
      const runner = make<number, unknown>(
        plan,
        { split: (n: number) => Array.from({ length: n }, (_, i) => i), left: each, right: each },
        { workers: 6 },
      );
      await expect(runner.run(10)).resolves.toEqual({
        left: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        right: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      });
      expect(gauge.max).toBe(6);
    },
    HANG,
  );

  it(
    "gives each run its own worker budget: concurrent runs do not queue behind each other",
    async () => {
      const gauge = new Gauge();
      const runner = make<number[], number[]>(buildPlan({ each: { mode: "parallel", minWorkers: 2 } }), {
        each: async (x: number) => {
          gauge.enter();
          await gauge.atLeast(4);
          gauge.leave();
          return x;
        },
      });
      await expect(Promise.all([runner.run([1, 2]), runner.run([3, 4])])).resolves.toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(gauge.max).toBe(4);
    },
    HANG,
  );
});

describe("plain chains (inline)", () => {
  it("wraps a synchronous throw in a MethodError", async () => {
    const cause = new RangeError("negative");
    const runner = make<number, number>(chain("a", "check"), {
      a: (x: number) => x,
      check: (x: number) => {
        if (x < 0) throw cause;
        return x;
      },
    });
    const error = await runner.run(-1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    expect((error as MethodError).message).toBe("Method 'check' failed after 1 attempt: negative");
    expect((error as MethodError).cause).toBe(cause);
  });

  it("gives each call its own signal that nothing aborts", async () => {
    const signals: AbortSignal[] = [];
    const keep = (x: number, context: RunContext): number => {
      signals.push(context.signal);
      return x;
    };
    const runner = make<number, number>(chain("a", "b"), { a: keep, b: keep });
    await runner.run(1);
    await runner.run(2);
    expect(signals).toHaveLength(4);
    expect(new Set(signals).size).toBe(4);
    expect(signals.every((signal) => !signal.aborted)).toBe(true);
  });

  it("runs a plain chain through the inline backend's direct calls, which its bound methods do not show", async () => {
    const contexts: string[] = [];
    const note = (x: number, context: RunContext): number => {
      contexts.push(context.constructor.name);
      return x;
    };
    const plan = chain("a", "b");
    await make<number, number>(plan, { a: note, b: note }).run(1);
    // The fast path's context: attempt 1, a signal that never aborts, made without a run scope.
    expect(contexts).toEqual(["DetachedContext", "DetachedContext"]);
    const session = await inline().open(
      plan,
      { a: note, b: note },
      {
        workers: 1,
        retryBackoff: { baseMs: 0, maxMs: 0 },
        moduleBase: undefined,
      },
    );
    const bound = session.method(plan.methods[0]!);
    expect(Object.keys(bound)).not.toContain("direct");
    expect("direct" in bound).toBe(false);
  });

  it("returns the same results whether or not anyone listens", async () => {
    const methods = { a: (x: number) => x + 1, b: async (x: number) => x * 2, c: (x: number) => x - 3 };
    const plain = make<number, number>(chain("a", "b", "c"), methods);
    const observed = make<number, number>(chain("a", "b", "c"), methods, { onEvent: () => undefined });
    for (const x of [0, 5, -7]) {
      const expected = (x + 1) * 2 - 3;
      await expect(plain.run(x)).resolves.toBe(expected);
      await expect(plain.run(x, { signal: new AbortController().signal })).resolves.toBe(expected);
      await expect(observed.run(x)).resolves.toBe(expected);
    }
  });
});

describe("scheduler against a reference evaluation (inline)", () => {
  it("computes what evaluating the plan method by method computes, for random plans and timings", async () => {
    const plans = fc.integer({ min: 1, max: 7 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 12 }),
        // How many microtask turns each method waits before answering (0 = synchronously).
        delays: fc.array(fc.nat(3), { minLength: n, maxLength: n }),
        noInput: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(plans, async ({ n, edges, delays, noInput }) => {
        const names = Array.from({ length: n }, (_, i) => `m${i}`);
        const dag: EdgeSpec[] = edges
          .filter(([x, y]) => x !== y)
          .map(([x, y]) => [names[Math.min(x, y)] ?? "", names[Math.max(x, y)] ?? ""] as const);
        const plan = buildPlan(
          Object.fromEntries(names.map((name, i) => [name, { takesInput: !(noInput[i] ?? false) }])),
          dag,
        );
        const render = (name: string, input: unknown): string => `${name}(${JSON.stringify(input) ?? ""})`;
        const methods = Object.fromEntries(
          plan.methods.map((method, i) => {
            const delay = delays[names.indexOf(method.name)] ?? 0;
            const fn = async (input?: unknown): Promise<string> => {
              for (let turn = 0; turn < delay; turn++) await Promise.resolve();
              return render(method.name, input);
            };
            const body = delay === 0 ? (input?: unknown) => render(method.name, input) : fn;
            return [method.name, method.takesInput ? (input: unknown) => body(input) : () => body(undefined)] as const;
          }),
        );

        // Reference: evaluate in plan order with the routing rules of the language.
        const values = new Map<string, unknown>();
        for (const method of plan.methods) {
          const input = !method.takesInput
            ? undefined
            : method.inputs.length === 0
              ? "in"
              : method.inputs.length === 1
                ? values.get(method.inputs[0] ?? "")
                : Object.fromEntries(method.inputs.map((from) => [from, values.get(from)]));
          values.set(method.name, render(method.name, input));
        }
        const expected =
          plan.sinks.length === 1
            ? values.get(plan.sinks[0] ?? "")
            : Object.fromEntries(plan.sinks.map((sink) => [sink, values.get(sink)]));

        const runner = createRunner<string, unknown>(plan, methods, { workers: n });
        try {
          expect(await runner.run("in")).toEqual(expected);
          expect(await runner.run("in", { onEvent: () => undefined })).toEqual(expected);
        } finally {
          await runner.close();
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("shards, lanes and streams (inline)", () => {
  it("reports single calls as shards of one item on worker 0 and each lane of a stage as a worker", async () => {
    const events: FlowEvent[] = [];
    const plan = buildPlan({ split: {}, each: { mode: "parallel", minWorkers: 3 } }, [["split", "each"]]);
    const runner = make<number, number[]>(plan, {
      split: (n: number) => Array.from({ length: n }, (_, i) => i),
      each: async (x: number) => x + 1,
    });
    await expect(runner.run(10, { onEvent: (event) => events.push(event) })).resolves.toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(shardEventProblems(events, { ok: true, items: { each: 10 } })).toEqual([]);
    const split = events.filter((event) => event.type === "shard:end" && event.method === "split");
    expect(split).toEqual([expect.objectContaining({ worker: 0, first: 0, count: 1, ok: true })]);
    // Three lanes, each up for the stage and down ("idle") when it has no more items.
    const lanes = events.flatMap((event) => (event.type === "worker:up" && event.worker !== 0 ? [event.worker] : []));
    expect(lanes).toHaveLength(3);
    const down = events.flatMap((event) => (event.type === "worker:down" ? [[event.worker, event.reason]] : []));
    expect(down.sort()).toEqual(lanes.map((lane) => [lane, "idle"]).sort());
    const ends = events.filter((event) => event.type === "shard:end" && event.method === "each");
    expect(
      ends.every((event) => event.type === "shard:end" && event.count === 1 && event.durations?.length === 1),
    ).toBe(true);
  });

  it("reads a stream no further than one item per lane ahead of the calls", async () => {
    let read = 0;
    let finished = 0;
    let ahead = 0;
    function* numbers(): Generator<number> {
      for (let i = 0; i < 1000; i++) {
        read++;
        ahead = Math.max(ahead, read - finished);
        yield i;
      }
    }
    const runner = make<Iterable<number>, number[]>(buildPlan({ each: { mode: "parallel", minWorkers: 4 } }), {
      each: async (x: number) => {
        await Promise.resolve();
        finished++;
        return x;
      },
    });
    const output = await runner.run(numbers());
    expect(output).toHaveLength(1000);
    expect(output[999]).toBe(999);
    expect(ahead).toBeLessThanOrEqual(4);
  });

  it("stops reading a stream at the first failure", async () => {
    let read = 0;
    function* numbers(): Generator<number> {
      for (let i = 0; i < 1000; i++) {
        read++;
        yield i;
      }
    }
    const runner = make<Iterable<number>, number[]>(buildPlan({ each: { mode: "parallel", minWorkers: 2 } }), {
      each: (x: number) => {
        if (x === 10) throw new Error("ten");
        return x;
      },
    });
    await expect(runner.run(numbers())).rejects.toThrow("Method 'each' failed on item 10 after 1 attempt: ten");
    expect(read).toBeLessThanOrEqual(12);
  });
});
