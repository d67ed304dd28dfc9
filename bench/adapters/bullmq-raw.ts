/**
 * Raw BullMQ, what a user writes without flowc: the items added with
 * `Queue.addBulk` in jobs of a fixed number of items, a `Worker` in each
 * worker process returning each job's results, and the results collected in
 * order from `QueueEvents`' completed events.
 */
import { fileURLToPath } from "node:url";
import { Queue, QueueEvents } from "bullmq";
import { startService, type ServiceProcess } from "../harness/processes.js";
import type { Contender } from "../harness/types.js";
import type { DistributedSetup } from "../workloads/w4-distributed.js";

const WORKER = fileURLToPath(new URL("./bullmq-raw-worker.ts", import.meta.url));

export function rawBullmq(itemsPerJob: number): Contender<DistributedSetup, number[]> {
  return {
    id: `raw-bullmq-${itemsPerJob}`,
    label: `raw BullMQ, ${itemsPerJob} item${itemsPerJob === 1 ? "" : "s"} per job`,
    role: "peer",
    placement: "spawns",
    async prepare({ redis, items, module, exportName, workers: count }) {
      const name = `raw-${itemsPerJob}`;
      const workers: ServiceProcess[] = [];
      const connection = { host: "127.0.0.1", port: redis.port, maxRetriesPerRequest: null };
      // The events stream must hold every completion of a run, or a slow reader would miss some.
      const queue = new Queue(name, { connection, streams: { events: { maxLen: 4 * items.length + 1000 } } });
      const events = new QueueEvents(name, { connection });
      const close = async (): Promise<void> => {
        await Promise.all(workers.map((worker) => worker.stop()));
        await events.close();
        await queue.close();
      };
      try {
        await events.waitUntilReady();
        for (let i = 0; i < count; i++) {
          workers.push(
            await startService(["--import", "tsx", WORKER, name, redis.url, module.href, exportName], /^ready$/m),
          );
        }
      } catch (error) {
        await close();
        throw error;
      }
      let round = 0;
      return {
        async run() {
          const prefix = `r${++round}-`;
          const output = new Array<number>(items.length);
          let pending = Math.ceil(items.length / itemsPerJob);
          const done = new Promise<void>((resolve, reject) => {
            const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }): void => {
              if (!jobId.startsWith(prefix)) return;
              const first = Number(jobId.slice(prefix.length));
              const values = (typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue) as number[];
              for (let i = 0; i < values.length; i++) output[first + i] = values[i]!;
              if (--pending === 0) {
                events.off("completed", onCompleted);
                events.off("failed", onFailed);
                resolve();
              }
            };
            const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }): void => {
              if (jobId.startsWith(prefix)) reject(new Error(`job ${jobId} failed: ${failedReason}`));
            };
            events.on("completed", onCompleted);
            events.on("failed", onFailed);
          });
          const jobs = [];
          for (let first = 0; first < items.length; first += itemsPerJob) {
            jobs.push({
              name: "items",
              data: { items: items.slice(first, first + itemsPerJob) },
              opts: { jobId: `${prefix}${first}`, removeOnComplete: true, removeOnFail: true },
            });
          }
          await queue.addBulk(jobs);
          await done;
          return output;
        },
        notes: [`${count} worker processes, one job at a time each`],
        close,
      };
    },
  };
}
