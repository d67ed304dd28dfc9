/**
 * W6 — branch routing: `classify(x)` returns a discriminated union on `kind`
 * (`even`, `odd`, `big`); `branch_on: kind` routes it to the one handler of
 * three that takes that variant, and `merge` joins the three (two of them
 * skipped) into one number. Run once per x, one run after the other, as
 * users run it: the package's manifests and `async` methods built with
 * `flowc build` and `tsc`, then the generated `run(x)`.
 *
 * Beside it, the hand-written `switch`, and the same work as a plan without
 * `branch_on` (`classify → dispatch → merge`, where `dispatch` chooses the
 * handler itself): three calls a run in each, so that their difference is
 * what the decision costs. Target: under 1 µs a run. And the plan of the
 * branch plan's shape without it, where every handler runs and gives
 * `undefined` for the others' variants: five calls a run, on the scheduler's
 * general path as the branch plan is, which tells the cost of that path
 * (fan-out and join) from the cost of the decision.
 */
import { readFileSync } from "node:fs";
import {
  flowcGeneratedBranchRun,
  flowcGeneratedFanOutRun,
  flowcGeneratedNoBranchRun,
} from "../adapters/flowc-generated.js";
import { handWrittenBranch } from "../adapters/hand-written.js";
import { workloadFile } from "../harness/plans.js";
import { differencesOf, judge, medianOf } from "../harness/targets.js";
import type { CaseSpec, Mode, TargetResult, Workload } from "../harness/types.js";
import { buildUserPackage, type GeneratedRunner } from "../harness/user-package.js";
import type { DispatchOutput } from "./w1-dispatch.js";
import type * as BranchMethods from "./w6-branch.methods.js";
import { BIG } from "./w6-branch.methods.js";

export interface BranchSetup {
  /** Runs per timed run, for x = 0 … runs − 1. */
  readonly runs: number;
  /** The package's compiled methods, which the hand-written contender calls too. */
  readonly methods: typeof BranchMethods;
  /** The runner generated from `w6-branch.flow` (`branch_on: kind`). */
  readonly branch: GeneratedRunner<number, number>;
  /** The runner generated from `w6-no-branch.flow` (`dispatch` routes). */
  readonly noBranch: GeneratedRunner<number, number>;
  /** The runner generated from `w6-fan-out.flow` (every handler runs). */
  readonly fanOut: GeneratedRunner<number, number>;
}

const GROUP = "generated runners, async methods";
const CONTENDERS = ["hand-written", "flowc-branch", "flowc-no-branch", "flowc-fan-out"] as const;
/** Runs per timed run: a round of each contender lasts a few hundred milliseconds. */
const RUNS = 200_000;
/** What a `branch_on` decision may cost, in microseconds per run. */
const DECISION_US = 1;

function cases(mode: Mode): CaseSpec[] {
  const spec = (runs: number, warmups: number, rounds: number): CaseSpec => ({
    group: GROUP,
    scale: 1,
    units: runs,
    warmups,
    rounds,
    contenders: CONTENDERS,
    timeoutMs: 120_000,
  });
  if (mode === "test") return [spec(50, 1, 1)];
  if (mode === "quick") return [spec(RUNS / 10, 2, 7)];
  return [spec(RUNS, 5, 21)];
}

/** What the run for x gives: the output of the handler of x's kind. */
export function expectedRoute(x: number): number {
  if (x % 4 >= 2) return x - BIG;
  return x % 2 === 0 ? x / 2 : 3 * x + 1;
}

let built: Promise<Omit<BranchSetup, "runs">> | undefined;

/** Builds W6's package once per process: both manifests beside the `async` methods, their runners and `tsc`. */
async function buildPackage(): Promise<Omit<BranchSetup, "runs">> {
  const read = (name: string): string => readFileSync(workloadFile(name), "utf8");
  const pkg = buildUserPackage("w6-branch", read("w6-branch.flow"), read("w6-branch.methods.ts"), {
    "w6-no-branch.flow": read("w6-no-branch.flow"),
    "w6-fan-out.flow": read("w6-fan-out.flow"),
  });
  const [branch, noBranch, fanOut, methods] = await Promise.all([
    pkg.load<GeneratedRunner<number, number>>("w6-branch.flow.js"),
    pkg.load<GeneratedRunner<number, number>>("w6-no-branch.flow.js"),
    pkg.load<GeneratedRunner<number, number>>("w6-fan-out.flow.js"),
    pkg.load<typeof BranchMethods>("w6-branch.methods.js"),
  ]);
  return { branch, noBranch, fanOut, methods };
}

/** Microseconds per run from milliseconds per timed run of `runs` runs. */
function perRun(ms: number, runs: number): number {
  return (ms * 1000) / runs;
}

export const branchWorkload: Workload<BranchSetup, DispatchOutput> = {
  id: "W6",
  title: "branch routing",
  description:
    '`classify(x)` returns `{ kind: "even" | "odd" | "big", x }` (`big` when x mod 4 is 2 or 3: half the runs, a ' +
    "quarter each of the others); `branch_on: kind` routes it to the one handler of three that takes that " +
    "variant, the other two are skipped, and `merge` joins the three (`{ even?: number; odd?: number; big?: " +
    "number }`) into one number. The methods are `async` and do next to nothing; the runners are what `flowc " +
    "build` generates, compiled by `tsc` in a package of their own and called with `run(x)`, once per x, one run " +
    "after another. Against the hand-written `switch (v.kind)` over the same compiled methods, and two plans " +
    "without `branch_on`. To isolate the decision, `classify → dispatch → merge`, where `dispatch` switches on " +
    "`kind` itself and hands `merge` the object the branch plan's join makes: both plans call three `async` " +
    "methods a run and `merge` receives the same object, so what the branch plan costs more — the route chosen " +
    "from `kind`, two handlers skipped, the join of three predecessors — is the decision's cost, given per run " +
    "with its spread over the rounds (each round runs the contenders back to back). That chain runs on the " +
    "runtime's straight-line path, a graph with a fan-out on its general path; the plan of the branch plan's " +
    "shape in which every handler runs (each gives `undefined` for the others' variants; five calls a run) takes " +
    "the general path without the decision, and tells the two costs apart.",
  unit: "run",
  contenders: [handWrittenBranch, flowcGeneratedBranchRun, flowcGeneratedNoBranchRun, flowcGeneratedFanOutRun],
  cases,
  needsBuild: true,
  async setup(spec) {
    const value = await (built ??= buildPackage());
    return {
      value: { runs: spec.units, ...value },
      notes: [
        "`w6-branch.flow`, `w6-no-branch.flow` and `w6-fan-out.flow` and their methods written `async` built with " +
          "`flowc build` and compiled by `tsc` in one package, then imported; every contender calls the same compiled " +
          "methods.",
      ],
    };
  },
  check(setup, output) {
    if (output.length !== setup.runs) throw new Error(`${output.length} outputs for ${setup.runs} runs`);
    for (let x = 0; x < setup.runs; x++) {
      if (output[x] !== expectedRoute(x)) throw new Error(`run ${x} gave ${output[x]}, expected ${expectedRoute(x)}`);
    }
  },
  targets(results) {
    return results.map((result): TargetResult => {
      const runs = result.spec.units;
      const differences = differencesOf(result, "flowc-branch", "flowc-no-branch");
      const branch = medianOf(result, "flowc-branch");
      const noBranch = medianOf(result, "flowc-no-branch");
      const us = (ms: number): string => `${perRun(ms, runs).toFixed(3)} µs`;
      return judge(
        `W6: a \`branch_on\` decision costs under ${DECISION_US} µs per call (branch plan − plan without it, per run)`,
        differences === undefined ? undefined : perRun(differences.median, runs),
        (cost) => cost < DECISION_US,
        (cost) =>
          `${cost.toFixed(3)} µs (rounds ${us(differences!.min)} – ${us(differences!.max)}): ` +
          `branch ${us(branch!)} − no branch ${us(noBranch!)} per run`,
      );
    });
  },
};
