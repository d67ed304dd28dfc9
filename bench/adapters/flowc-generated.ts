/**
 * flowc through a runner `flowc build` generated, compiled by `tsc` and
 * imported as a user's code imports it (see harness/user-package.ts): the
 * module's `run()`, which keeps one runner from its first call on, and a
 * runner of the module's `createRunner()` kept by the caller.
 */
import type { Contender, Trial } from "../harness/types.js";
import type { GeneratedRunner } from "../harness/user-package.js";
import type { ParallelItemsSetup } from "../workloads/parallel-items.js";
import type { DispatchOutput, DispatchSetup } from "../workloads/w1-dispatch.js";
import type { BranchSetup } from "../workloads/w6-branch.js";

function generatedOf<G>(generated: G | undefined): G {
  if (generated === undefined) throw new Error("this case has no generated runner");
  return generated;
}

/** W1: `await run(x)` for each x, from the generated module. */
export const flowcGeneratedRun: Contender<DispatchSetup, DispatchOutput> = generatedRun(
  "flowc-run",
  "flowc, generated `run(x)`",
  (setup) => setup.generated,
);

/** W6: `await run(x)` for each x, from the module generated from the manifest with `branch_on`. */
export const flowcGeneratedBranchRun: Contender<BranchSetup, DispatchOutput> = generatedRun(
  "flowc-branch",
  "flowc, generated `run(x)`, `branch_on: kind`",
  (setup) => setup.branch,
);

/** W6: `await run(x)` for each x, from the module generated from the manifest whose `dispatch` method routes. */
export const flowcGeneratedNoBranchRun: Contender<BranchSetup, DispatchOutput> = generatedRun(
  "flowc-no-branch",
  "flowc, generated `run(x)`, no `branch_on` (`dispatch` routes)",
  (setup) => setup.noBranch,
);

/** W6: `await run(x)` for each x, from the module generated from the manifest in which every handler runs. */
export const flowcGeneratedFanOutRun: Contender<BranchSetup, DispatchOutput> = generatedRun(
  "flowc-fan-out",
  "flowc, generated `run(x)`, no `branch_on` (every handler runs)",
  (setup) => setup.fanOut,
);

/** `await run(x)` for x = 0 … runs − 1, from the generated module `pick` takes from the setup. */
function generatedRun<S extends { readonly runs: number }>(
  id: string,
  label: string,
  pick: (setup: S) => GeneratedRunner<number, number> | undefined,
): Contender<S, DispatchOutput> {
  return {
    id,
    label,
    role: "flowc",
    placement: "process",
    async prepare(setup) {
      const { run, close } = generatedOf(pick(setup));
      return { run: () => chain(setup.runs, run), close };
    },
  };
}

/** W1: `await runner.run(x)` for each x, on one runner of the generated `createRunner()`. */
export const flowcGeneratedRunner: Contender<DispatchSetup, DispatchOutput> = {
  id: "flowc-generated-runner",
  label: "flowc, generated `createRunner().run(x)`",
  role: "flowc",
  placement: "process",
  async prepare({ runs, generated }) {
    const runner = generatedOf(generated).createRunner();
    return { run: () => chain(runs, (x) => runner.run(x)), close: () => runner.close() };
  },
};

/** `await run(x)` for x = 0 … runs − 1, one after the other; the outputs by x. */
export async function chain(runs: number, run: (x: number) => Promise<number>): Promise<DispatchOutput> {
  const output = new Float64Array(runs);
  for (let x = 0; x < runs; x++) output[x] = await run(x);
  return output;
}

/**
 * W2: the generated `run(items)` called again and again, on the threads the
 * module's runner kept from its first call (made before the timed runs, as
 * the other pools start before theirs).
 */
export function flowcGeneratedRunItems<I, R>(): Contender<ParallelItemsSetup<I, R>, R[]> {
  return {
    id: "flowc-run",
    label: "flowc, generated `run(items)` (threads)",
    role: "flowc",
    placement: "process",
    async prepare({ items, threads, generated }) {
      const { run, close } = generatedOf(generated);
      await close();
      await run(items.slice(0, 2 * threads));
      return { run: () => run(items), close };
    },
  };
}

/**
 * W2: the first `run(items)` of the generated module, which starts the
 * threads (each importing the methods' TypeScript through tsx). The module's
 * runner is closed after each run, so that the next is a first call again;
 * the close runs between the timed runs, and a run that still has to wait
 * for it counts the wait (reported as a note).
 */
export function flowcGeneratedFirstCall<I, R>(): Contender<ParallelItemsSetup<I, R>, R[]> {
  return {
    id: "flowc-run-first-call",
    label: "flowc, generated `run(items)`, first call",
    role: "flowc",
    placement: "process",
    async prepare({ items, generated }) {
      const { run, close } = generatedOf(generated);
      await close();
      let closing = Promise.resolve();
      let waited = 0;
      const trial: Trial<R[]> = {
        async run() {
          const start = performance.now();
          await closing;
          waited = Math.max(waited, performance.now() - start);
          try {
            return await run(items);
          } finally {
            closing = close();
          }
        },
        close: () => closing,
        get notes() {
          return [`a run waited at most ${waited.toFixed(1)} ms for the close of the runner before it`];
        },
      };
      return trial;
    },
  };
}
