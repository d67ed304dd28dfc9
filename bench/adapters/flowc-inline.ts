/** flowc on its `inline` backend: every method in the calling thread, through `createRunner`. */
import { createRunner } from "../../stdlib/index.js";
import type { Contender } from "../harness/types.js";
import type { ParallelItemsSetup } from "../workloads/parallel-items.js";
import type { DispatchOutput, DispatchSetup } from "../workloads/w1-dispatch.js";
import type { DagSetup } from "../workloads/w3-dag.js";

/** W1: `runner.run(x)` for each x, on one runner. */
export const flowcInlineChain: Contender<DispatchSetup, DispatchOutput> = {
  id: "flowc-inline",
  label: "flowc, inline backend",
  role: "flowc",
  placement: "process",
  async prepare({ runs, plan, methods }) {
    const runner = createRunner<number, number>(plan, methods, { backend: "inline" });
    return {
      async run() {
        const output = new Float64Array(runs);
        for (let x = 0; x < runs; x++) output[x] = await runner.run(x);
        return output;
      },
      close: () => runner.close(),
    };
  },
};

/** W2b: the parallel stage over all the items, its lanes in the calling thread. */
export function flowcInlineItems<I, R>(): Contender<ParallelItemsSetup<I, R>, R[]> {
  return {
    id: "flowc-inline",
    label: "flowc, inline backend",
    role: "flowc",
    placement: "process",
    async prepare({ items, plan, method, exportName }) {
      const runner = createRunner<readonly I[], R[]>(plan, { [exportName]: method }, { backend: "inline" });
      return { run: () => runner.run(items), close: () => runner.close() };
    },
  };
}

/** W3: one run of the DAG. */
export const flowcInlineDag: Contender<DagSetup, string> = {
  id: "flowc-inline",
  label: "flowc, inline backend",
  role: "flowc",
  placement: "process",
  async prepare({ plan, methods, input }) {
    const runner = createRunner<number, string>(plan, methods, { backend: "inline" });
    return { run: () => runner.run(input), close: () => runner.close() };
  },
};
