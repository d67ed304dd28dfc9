/**
 * flowc on its `threads` backend: parallel methods on a pool of worker
 * threads that import the methods' module themselves, found the way a
 * generated runner points at them (`moduleBase`: the manifest's folder).
 */
import { createRunner, threads } from "../../stdlib/index.js";
import type { Contender } from "../harness/types.js";
import type { ParallelItemsSetup } from "../workloads/parallel-items.js";
import type { DagSetup } from "../workloads/w3-dag.js";

/** W2, W2b: one run of the parallel stage over all the items. */
export function flowcThreadsItems<I, R>(): Contender<ParallelItemsSetup<I, R>, R[]> {
  return {
    id: "flowc-threads",
    label: "flowc, threads backend",
    role: "flowc",
    placement: "process",
    async prepare({ items, plan, method, exportName, moduleBase, threads: count }) {
      const runner = createRunner<readonly I[], R[]>(
        plan,
        { [exportName]: method },
        { backend: threads({ maxThreads: count }), moduleBase },
      );
      // Start the threads and let them import the module, as the other pools do before they are timed.
      await runner.run(items.slice(0, 2 * count));
      return { run: () => runner.run(items), close: () => runner.close() };
    },
  };
}

/** W3: one run of the DAG; its single methods run in the calling thread, as with every plan on this backend. */
export const flowcThreadsDag: Contender<DagSetup, string> = {
  id: "flowc-threads",
  label: "flowc, threads backend",
  role: "flowc",
  placement: "process",
  async prepare({ plan, methods, input }) {
    const runner = createRunner<number, string>(plan, methods, {
      backend: threads(),
      moduleBase: new URL("../workloads/", import.meta.url),
    });
    return { run: () => runner.run(input), close: () => runner.close() };
  },
};
