/**
 * W2b — cost per item: a parallel stage of `inc(x) = x + 1` over up to
 * 1,000,000 numbers. The method costs nothing, so the difference from a
 * plain loop is what the runtime spends on each item (shards, messages,
 * results in order). Target: < 2 µs of overhead per item at 1,000,000.
 */
import { availableParallelism } from "node:os";
import type { PlanDescriptor } from "../../stdlib/index.js";
import { flowcInlineItems } from "../adapters/flowc-inline.js";
import { flowcThreadsItems } from "../adapters/flowc-threads.js";
import { singleThreadLoop } from "../adapters/hand-written.js";
import { piscinaChunked } from "../adapters/piscina.js";
import { compilePlan, workloadFile } from "../harness/plans.js";
import { judge, medianOf } from "../harness/targets.js";
import type { CaseSpec, Contender, Mode, Workload } from "../harness/types.js";
import type { ParallelItemsSetup } from "./parallel-items.js";
import { inc } from "./w2b-item-overhead.methods.js";

type Setup = ParallelItemsSetup<number, number>;

const BASE = 10_000;
/** The largest chunk flowc's threads backend sends (MAX_SHARD_ITEMS), for piscina too. */
const CHUNK = 4096;
const CONTENDERS = ["single-thread", "piscina-chunked", "flowc-inline", "flowc-threads"];

function cases(mode: Mode): CaseSpec[] {
  const spec = (scale: number, warmups: number, rounds: number, base = BASE): CaseSpec => ({
    group: "trivial items",
    scale,
    units: base * scale,
    warmups,
    rounds,
    contenders: CONTENDERS,
    timeoutMs: 300_000,
  });
  if (mode === "test") return [spec(1, 1, 1, 100)];
  if (mode === "quick") return [spec(1, 1, 2), spec(100, 1, 1)];
  return [spec(1, 5, 15), spec(10, 3, 9), spec(100, 1, 5)];
}

let plan: PlanDescriptor | undefined;

const contenders: Contender<Setup, number[]>[] = [
  singleThreadLoop(),
  piscinaChunked(CHUNK),
  flowcInlineItems(),
  flowcThreadsItems(),
];

export const itemOverheadWorkload: Workload<Setup, number[]> = {
  id: "W2b",
  title: "cost per item of a parallel stage",
  description:
    "A parallel stage of `inc(x) = x + 1` over 10,000 to 1,000,000 numbers. The method costs nothing, so the time above " +
    `the plain loop's is what each item costs to hand out and collect. piscina gets chunks of ${CHUNK}, the most flowc ` +
    "puts in one shard.",
  unit: "item",
  contenders,
  cases,
  async setup(spec) {
    plan ??= await compilePlan(workloadFile("w2b-item-overhead.flow"));
    return {
      value: {
        items: Array.from({ length: spec.units }, (_, i) => i),
        plan,
        method: inc,
        module: workloadFile("w2b-item-overhead.methods.ts"),
        exportName: "inc",
        moduleBase: workloadFile(""),
        threads: availableParallelism(),
      },
    };
  },
  check(setup, output) {
    if (!Array.isArray(output) || output.length !== setup.items.length) {
      throw new Error(
        `${Array.isArray(output) ? output.length : typeof output} outputs for ${setup.items.length} items`,
      );
    }
    for (let i = 0; i < output.length; i++) {
      if (output[i] !== i + 1) throw new Error(`item ${i} gave ${String(output[i])}, expected ${i + 1}`);
    }
  },
  targets(results) {
    const largest = results.find((result) => result.spec.units === 1_000_000);
    const floor = medianOf(largest, "single-thread");
    return ["flowc-inline", "flowc-threads"].map((id) => {
      const median = medianOf(largest, id);
      const overheadUs =
        median === undefined || floor === undefined ? undefined : ((median - floor) * 1000) / 1_000_000;
      return judge(
        `W2b 1,000,000 trivial items, ${id.replace("-", " ")}: < 2 µs overhead per item`,
        overheadUs,
        (us) => us < 2,
        (us) => `${us.toFixed(2)} µs per item above the plain loop`,
      );
    });
  },
};
