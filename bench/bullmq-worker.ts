/**
 * A worker process of the bullmq throughput bench:
 * `bullmq-worker.ts flowc|raw <redis url>`. `flowc` serves the bench plan
 * through createWorker; `raw` is the same work written on BullMQ directly,
 * a Worker whose job is a batch of items and whose return value their results.
 * Prints `ready` once it takes jobs.
 */
import { Worker } from "bullmq";
import { createWorker } from "../stdlib/index.js";
import { inc, incPlan, RAW_QUEUE } from "./bullmq-plan.js";

const [mode, url = ""] = process.argv.slice(2);
const { hostname, port } = new URL(url);

if (mode === "flowc") {
  const worker = await createWorker(incPlan, {
    connection: url,
    modules: { inc },
  });
  process.once("SIGTERM", () => void worker.close().then(() => process.exit(0)));
} else {
  const worker = new Worker(RAW_QUEUE, async (job) => (job.data as { items: number[] }).items.map(inc), {
    connection: {
      host: hostname,
      port: Number(port),
      maxRetriesPerRequest: null,
    },
  });
  await worker.waitUntilReady();
  process.once("SIGTERM", () => void worker.close().then(() => process.exit(0)));
}
process.stdout.write("ready\n");
