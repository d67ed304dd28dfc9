/**
 * What a user writes without a framework: the calls themselves, awaited in
 * order, with promises for concurrency. The baseline every workload's
 * overhead is measured against.
 */
import type { Contender } from "../harness/types.js";
import type { DispatchOutput, DispatchSetup } from "../workloads/w1-dispatch.js";
import type { ParallelItemsSetup } from "../workloads/parallel-items.js";
import type { DagSetup } from "../workloads/w3-dag.js";
import type { BranchSetup } from "../workloads/w6-branch.js";
import type { Handled } from "../workloads/w6-branch.methods.js";

/** W1: `await c(await b(await a(x)))` for each x. */
export const handWrittenChain: Contender<DispatchSetup, DispatchOutput> = {
  id: "hand-written",
  label: "hand-written `await c(await b(await a(x)))`",
  role: "peer",
  placement: "process",
  async prepare({ runs, methods }) {
    const { a, b, c } = methods;
    return {
      async run() {
        const output = new Float64Array(runs);
        for (let x = 0; x < runs; x++) output[x] = await c(await b(await a(x)));
        return output;
      },
    };
  },
};

/** W6: `classify`, a `switch` on its `kind` calling that handler, then `merge`, for each x. */
export const handWrittenBranch: Contender<BranchSetup, DispatchOutput> = {
  id: "hand-written",
  label: "hand-written `switch (v.kind)`",
  role: "peer",
  placement: "process",
  async prepare({ runs, methods }) {
    const { classify, even, odd, big, merge } = methods;
    return {
      async run() {
        const output = new Float64Array(runs);
        for (let x = 0; x < runs; x++) {
          const v = await classify(x);
          let handled: Handled;
          switch (v.kind) {
            case "even":
              handled = { even: await even(v), odd: undefined, big: undefined };
              break;
            case "odd":
              handled = { even: undefined, odd: await odd(v), big: undefined };
              break;
            case "big":
              handled = { even: undefined, odd: undefined, big: await big(v) };
              break;
          }
          output[x] = await merge(handled);
        }
        return output;
      },
    };
  },
};

/** W2, W2b: a plain loop over the items in this thread. */
export function singleThreadLoop<I, R>(): Contender<ParallelItemsSetup<I, R>, R[]> {
  return {
    id: "single-thread",
    label: "single-thread loop",
    role: "peer",
    placement: "process",
    async prepare({ items, method }) {
      return {
        async run() {
          const output = new Array<R>(items.length);
          for (let i = 0; i < items.length; i++) output[i] = method(items[i]!);
          return output;
        },
      };
    },
  };
}

/** W2: `Promise.all` over async calls in this thread, what "make it concurrent" gives without threads. */
export function promiseAllOneThread<I, R>(): Contender<ParallelItemsSetup<I, R>, R[]> {
  return {
    id: "promise-all",
    label: "`Promise.all` in one thread",
    role: "peer",
    placement: "process",
    async prepare({ items, method }) {
      return { run: () => Promise.all(items.map(async (item) => method(item))) };
    },
  };
}

/**
 * W3: each method's promise waits for its predecessors' promises, then calls
 * it with the value or the object of values it takes — a DAG executor in a
 * dozen lines, which starts every method as soon as its inputs are ready.
 */
export const promiseDag: Contender<DagSetup, string> = {
  id: "hand-written-dag",
  label: "hand-written promise DAG",
  role: "peer",
  placement: "process",
  async prepare({ methods, predecessors, sink, input }) {
    const call = (name: string, argument: unknown): Promise<unknown> =>
      Promise.resolve((methods[name] as (input: unknown) => unknown)(argument));
    return {
      async run() {
        const results = new Map<string, Promise<unknown>>();
        for (const [name, inputs] of Object.entries(predecessors)) {
          const ready = Promise.all(inputs.map((from) => results.get(from)));
          results.set(
            name,
            ready.then((values) =>
              call(
                name,
                inputs.length === 0
                  ? input
                  : inputs.length === 1
                    ? values[0]
                    : Object.fromEntries(inputs.map((from, i) => [from, values[i]])),
              ),
            ),
          );
        }
        return (await results.get(sink)) as string;
      },
    };
  },
};
