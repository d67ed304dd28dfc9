/**
 * W3 — DAG makespan: eight methods that only wait (a=50, b=80, c=30 ms from
 * the run's input; d(a,b)=40, e(b)=60, f(b,c)=20, g(f)=70, h(d,e,g)=10). A
 * scheduler that starts every method as soon as its inputs are ready
 * finishes in the critical path b → f → g → h = 180 ms (plus timer slack).
 * Target: flowc's makespan ≤ 1.05 × 180 ms.
 */
import type { MethodTable, PlanDescriptor } from "../../stdlib/index.js";
import { flowcInlineDag } from "../adapters/flowc-inline.js";
import { flowcThreadsDag } from "../adapters/flowc-threads.js";
import { promiseDag } from "../adapters/hand-written.js";
import { compilePlan, workloadFile } from "../harness/plans.js";
import { judge, medianOf, times } from "../harness/targets.js";
import type { CaseSpec, Mode, Workload } from "../harness/types.js";
import { a, b, c, CRITICAL_PATH_MS, d, e, expectedOutput, f, g, h, PREDECESSORS } from "./w3-dag.methods.js";

export interface DagSetup {
  readonly plan: PlanDescriptor;
  readonly methods: MethodTable;
  /** Each method's predecessors, in the order of its input's keys. */
  readonly predecessors: Readonly<Record<string, readonly string[]>>;
  /** The method whose output is the run's. */
  readonly sink: string;
  /** The run's input, given to every source. */
  readonly input: number;
}

const INPUT = 7;
const CONTENDERS = ["hand-written-dag", "flowc-inline", "flowc-threads"];

function cases(mode: Mode): CaseSpec[] {
  const spec = (warmups: number, rounds: number): CaseSpec => ({
    group: "sleep DAG",
    scale: 1,
    units: 1,
    warmups,
    rounds,
    contenders: CONTENDERS,
    timeoutMs: 10_000,
  });
  if (mode === "test") return [spec(0, 1)];
  if (mode === "quick") return [spec(1, 3)];
  return [spec(2, 11)];
}

let plan: PlanDescriptor | undefined;

const table: MethodTable = { a, b, c, d, e, f, g, h };

export const dagWorkload: Workload<DagSetup, string> = {
  id: "W3",
  title: "DAG makespan",
  description:
    "Eight methods that only wait: sources a=50, b=80, c=30 ms; then d(a,b)=40, e(b)=60, f(b,c)=20, g(f)=70, h(d,e,g)=10 ms. " +
    `Every method should start as soon as its inputs are ready, so a run should take the critical path b → f → g → h, ` +
    `${CRITICAL_PATH_MS} ms, plus the timers' slack. The threads backend runs single methods in the calling thread, so it ` +
    "shows what that backend adds to a plan without parallel methods.",
  unit: "run",
  contenders: [promiseDag, flowcInlineDag, flowcThreadsDag],
  cases,
  async setup() {
    plan ??= await compilePlan(workloadFile("w3-dag.flow"));
    return { value: { plan, methods: table, predecessors: PREDECESSORS, sink: "h", input: INPUT } };
  },
  check(_setup, output) {
    if (output !== expectedOutput(INPUT))
      throw new Error(`output ${JSON.stringify(output)}, expected ${expectedOutput(INPUT)}`);
  },
  targets(results) {
    const result = results[0];
    return ["flowc-inline", "flowc-threads"].map((id) =>
      judge(
        `W3 ${id.replace("-", " ")}: makespan ≤ 1.05 × ${CRITICAL_PATH_MS} ms`,
        medianOf(result, id),
        (ms) => ms <= 1.05 * CRITICAL_PATH_MS,
        (ms) =>
          `${ms.toFixed(1)} ms = ${times(ms / CRITICAL_PATH_MS)} the critical path ` +
          `(hand-written: ${medianOf(result, "hand-written-dag")?.toFixed(1) ?? "—"} ms)`,
      ),
    );
  },
};
