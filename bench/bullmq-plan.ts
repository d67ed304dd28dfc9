/** The plan of the bullmq throughput bench: one parallel method, `inc(x) = x + 1`, on at least 2 workers. */
import { PLAN_FORMAT, type PlanDescriptor } from "../stdlib/plan.js";

export const incPlan: PlanDescriptor = {
  format: PLAN_FORMAT,
  name: "throughput",
  hash: "b".repeat(64),
  jsonSafe: true,
  methods: [
    {
      name: "inc",
      module: "./bullmq-plan",
      exportName: "inc",
      mode: "parallel",
      concurrentWith: [],
      minWorkers: 2,
      maxWorkers: null,
      retries: 0,
      timeoutMs: null,
      shardSize: null,
      takesInput: true,
      inputs: [],
    },
  ],
  edges: [],
  sources: ["inc"],
  sinks: ["inc"],
  stages: [{ index: 0, methods: ["inc"] }],
};

export function inc(x: number): number {
  return x + 1;
}

/** The raw BullMQ queue of the comparison. */
export const RAW_QUEUE = "raw-throughput";
