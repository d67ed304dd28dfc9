/**
 * The distributed backend's public surface. BullMQ and ioredis load only
 * when a session opens or a worker starts, so that importing the runtime
 * costs nothing to programs that run in process.
 */
import type { Backend } from "../../api.js";
import type { PlanDescriptor } from "../../plan.js";
import { resolveBullmqOptions, type BullmqOptions } from "./options.js";
import type { FlowWorker, WorkerOptions } from "./worker.js";

export type { BullmqOptions, RedisConnection, WorkerProcessOptions } from "./options.js";
export type { FlowWorker, WorkerOptions } from "./worker.js";

/**
 * Creates the distributed backend: each method of a run executes in worker
 * processes (`createWorker`, `flowc worker`) of the same plan on any machine
 * that reaches the same Redis. The plan must be built for it (`flowc build
 * --backend bullmq`); options are checked here, the connection is made on
 * the first run.
 *
 * @example
 * const runner = createRunner(plan, methods, { backend: bullmq({ connection: "redis://queue:6379" }) });
 */
export function bullmq(options: BullmqOptions = {}): Backend {
  const settings = resolveBullmqOptions(options);
  return {
    name: "bullmq",
    open: async (plan, _methods, openOptions) =>
      (await import("./backend.js")).openSession(plan, openOptions, settings),
  };
}

/**
 * Starts a worker that serves `plan`'s methods from Redis, and resolves once
 * it counts as live for callers.
 *
 * @example
 * const worker = await createWorker(plan, { connection: "redis://queue:6379", concurrency: 4, modules: methods });
 * process.once("SIGTERM", () => void worker.close({ graceMs: 10_000 }));
 */
export async function createWorker(plan: PlanDescriptor, options: WorkerOptions): Promise<FlowWorker> {
  return (await import("./worker.js")).createWorker(plan, options);
}
