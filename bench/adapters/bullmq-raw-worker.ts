/**
 * A worker process of the raw BullMQ contender:
 * `bullmq-raw-worker.ts <queue> <redis url> <module url> <export>`. A job's
 * data holds a batch of items; its return value is the method applied to
 * each. One job at a time, BullMQ's default and `flowc worker`'s.
 * Prints `ready` once it takes jobs; closes on SIGTERM.
 */
import { Worker } from "bullmq";

const [queue = "", url = "", module = "", exportName = ""] = process.argv.slice(2);
const loaded = (await import(module)) as Record<string, unknown>;
const method = loaded[exportName];
if (typeof method !== "function") throw new Error(`${module} exports no function '${exportName}'`);
const { hostname, port } = new URL(url);

const worker = new Worker(queue, async (job) => (job.data as { items: unknown[] }).items.map((item) => method(item)), {
  connection: { host: hostname, port: Number(port), maxRetriesPerRequest: null },
  concurrency: 1,
});
await worker.waitUntilReady();
process.once("SIGTERM", () => void worker.close().then(() => process.exit(0)));
process.stdout.write("ready\n");
