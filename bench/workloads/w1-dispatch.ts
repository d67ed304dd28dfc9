/**
 * W1 — dispatch overhead: the chain a(x)=x+1, b(x)=x*2, c(x)=x-3 run once per
 * x, one run after the other, so that the time is what the runner adds to
 * three trivial calls. Target: flowc inline ≤ 2× the hand-written chain.
 */
import type { MethodTable, PlanDescriptor } from "../../stdlib/index.js";
import { flowcInlineChain } from "../adapters/flowc-inline.js";
import { handWrittenChain } from "../adapters/hand-written.js";
import { pocketflowChain } from "../adapters/pocketflow.js";
import { compilePlan, workloadFile } from "../harness/plans.js";
import { judge, ratioOf, times } from "../harness/targets.js";
import type { CaseSpec, Mode, Workload } from "../harness/types.js";
import { a, asyncMethods, b, c, expectedChain } from "./w1-dispatch.methods.js";

export type ChainStep = (x: number) => number | Promise<number>;

export interface DispatchSetup {
  /** Runs of the chain per timed run, for x = 0 … runs − 1. */
  readonly runs: number;
  readonly plan: PlanDescriptor;
  readonly methods: { readonly a: ChainStep; readonly b: ChainStep; readonly c: ChainStep } & MethodTable;
}

/** Each run's output `c(b(a(x)))` at index x. */
export type DispatchOutput = Float64Array;

const CONTENDERS = ["hand-written", "pocketflow", "flowc-inline"] as const;
const RUNS = 20_000;

function cases(mode: Mode): CaseSpec[] {
  const spec = (group: string, scale: number, warmups: number, rounds: number): CaseSpec => ({
    group,
    scale,
    units: (mode === "test" ? 50 : RUNS) * scale,
    warmups,
    rounds,
    contenders: CONTENDERS,
    timeoutMs: 120_000,
  });
  if (mode === "test") return [spec("sync methods", 1, 1, 1), spec("async methods", 1, 1, 1)];
  if (mode === "quick") {
    return [
      spec("sync methods", 1, 2, 3),
      spec("sync methods", 10, 1, 3),
      spec("sync methods", 100, 1, 1),
      spec("async methods", 1, 2, 3),
    ];
  }
  return [
    spec("sync methods", 1, 10, 15),
    spec("sync methods", 10, 3, 7),
    spec("sync methods", 100, 1, 5),
    spec("async methods", 1, 10, 15),
  ];
}

let plan: PlanDescriptor | undefined;

export const dispatchWorkload: Workload<DispatchSetup, DispatchOutput> = {
  id: "W1",
  title: "dispatch overhead",
  description:
    "The chain a(x)=x+1 → b(x)=x*2 → c(x)=x−3 run once for each x, one run after another. The methods cost nothing, " +
    "so a run's time is what the runner adds to three calls. Synchronous methods (what the manifest's module exports) and " +
    "the same steps written `async`.",
  unit: "run",
  contenders: [handWrittenChain, pocketflowChain, flowcInlineChain],
  cases,
  async setup(spec) {
    plan ??= await compilePlan(workloadFile("w1-dispatch.flow"));
    const methods = spec.group.startsWith("async") ? asyncMethods : { a, b, c };
    return { value: { runs: spec.units, plan, methods } };
  },
  check(setup, output) {
    if (output.length !== setup.runs) throw new Error(`${output.length} outputs for ${setup.runs} runs`);
    for (let x = 0; x < setup.runs; x++) {
      if (output[x] !== expectedChain(x)) throw new Error(`run ${x} gave ${output[x]}, expected ${expectedChain(x)}`);
    }
  },
  targets(results) {
    return results.map((result) =>
      judge(
        `W1 ${result.spec.group} ${result.spec.scale}×: flowc inline ≤ 2× hand-written`,
        ratioOf(result, "flowc-inline", "hand-written"),
        (ratio) => ratio <= 2,
        (ratio) => `${times(ratio)} hand-written`,
      ),
    );
  },
};
