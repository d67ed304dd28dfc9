/**
 * The bullmq backend with its workers in the test's own process: each runner
 * starts workers for its plan on open, with the runner's methods (closures),
 * and stops them on close. One single-slot worker per slot the runner allows,
 * and at least two, so that two runs of one runner can overlap as they can
 * in process; process-level behaviour is tested with real child processes
 * (./worker-hosts.ts, ./processes.ts).
 */
import {
  bullmq,
  createWorker,
  type Backend,
  type BullmqOptions,
  type FlowWorker,
  type MethodTable,
  type PlanDescriptor,
} from "../../stdlib/index.js";

/**
 * Starts `count` workers for `plan`, whose methods are `methods`, and returns
 * what stops them; if it fails, it has stopped those it started.
 */
export type StartWorkers = (
  plan: PlanDescriptor,
  methods: MethodTable,
  count: number,
) => Promise<() => Promise<unknown>>;

/** The bullmq backend on `connection`, whose sessions bring their own workers up with `start` and stop them on close. */
export function withWorkers(
  connection: () => string,
  start: StartWorkers,
  options: Omit<BullmqOptions, "connection"> = {},
): Backend {
  return {
    name: "bullmq",
    async open(plan, methods, openOptions) {
      const stop = await start(plan, methods, Math.max(openOptions.workers, 2));
      try {
        const session = await bullmq({ ...options, connection: connection() }).open(plan, methods, openOptions);
        return {
          method: (method) => session.method(method),
          close: async () => {
            await session.close();
            await stop();
          },
        };
      } catch (error) {
        await stop();
        throw error;
      }
    },
  };
}

export function withInProcessWorkers(
  connection: () => string,
  options: Omit<BullmqOptions, "connection"> = {},
): Backend {
  return withWorkers(
    connection,
    async (plan, methods, count) => {
      const workers: FlowWorker[] = [];
      const stop = (): Promise<unknown> => Promise.all(workers.map((worker) => worker.close({ graceMs: 1000 })));
      try {
        for (let i = 0; i < count; i++) {
          workers.push(
            await createWorker(plan, {
              connection: connection(),
              modules: methods,
              heartbeat: 250,
              stalledInterval: 1000,
            }),
          );
        }
      } catch (error) {
        await stop();
        throw error;
      }
      return stop;
    },
    options,
  );
}
