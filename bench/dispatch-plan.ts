/** The plan of the dispatch bench: `a → b → c`, written as the compiler would emit it. */
import { PLAN_FORMAT, type PlanDescriptor, type PlanMethod } from "../stdlib/plan.js";

function method(name: string, inputs: readonly string[]): PlanMethod {
  return {
    name,
    module: "./dispatch.methods",
    exportName: name,
    mode: "single",
    concurrentWith: [],
    minWorkers: 1,
    maxWorkers: null,
    retries: 0,
    timeoutMs: null,
    shardSize: null,
    takesInput: true,
    inputs,
  };
}

export const chainPlan: PlanDescriptor = {
  format: PLAN_FORMAT,
  name: "dispatch",
  hash: "0".repeat(64),
  jsonSafe: false,
  methods: [method("a", []), method("b", ["a"]), method("c", ["b"])],
  edges: [
    { from: "a", to: "b" },
    { from: "b", to: "c" },
  ],
  sources: ["a"],
  sinks: ["c"],
  stages: [
    { index: 0, methods: ["a"] },
    { index: 1, methods: ["b"] },
    { index: 2, methods: ["c"] },
  ],
};
