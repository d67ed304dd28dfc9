/**
 * flowc on its `bullmq` backend: the plan built for it (`flowc build
 * --backend bullmq`, which proves its values survive JSON), served by
 * `flowc worker` processes, run from the built CLI as users run them (under
 * tsx, every closure made per item would also pay for tsx's name-keeping
 * helper). The harness rebuilds dist/ when it is older than the sources, so
 * the workers and this process's caller speak the same wire format.
 */
import { bullmq, createRunner } from "../../stdlib/index.js";
import { CLI, startService, type ServiceProcess } from "../harness/processes.js";
import type { Contender } from "../harness/types.js";
import type { DistributedSetup } from "../workloads/w4-distributed.js";

export const flowcBullmq: Contender<DistributedSetup, number[]> = {
  id: "flowc-bullmq",
  label: "flowc, bullmq backend",
  role: "flowc",
  placement: "spawns",
  async prepare({ redis, items, plan, manifest, method, exportName, workers: count }) {
    const workers: ServiceProcess[] = [];
    const runner = createRunner<readonly number[], number[]>(
      plan,
      { [exportName]: method },
      { backend: bullmq({ connection: redis.url }) },
    );
    const close = async (): Promise<void> => {
      await runner.close();
      await Promise.all(workers.map((worker) => worker.stop()));
    };
    try {
      for (let i = 0; i < count; i++) {
        workers.push(await startService([CLI, "worker", manifest, "--redis", redis.url], /serving /));
      }
    } catch (error) {
      await close();
      throw error;
    }
    return {
      run: () => runner.run(items),
      notes: [`${count} \`flowc worker\` processes, one job at a time each (its default)`],
      close,
    };
  },
};
