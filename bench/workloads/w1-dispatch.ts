/**
 * W1 — dispatch overhead: the chain a(x)=x+1, b(x)=x*2, c(x)=x-3 run once per
 * x, one run after the other, so that the time is what the runner adds to
 * three trivial calls. Target: flowc inline ≤ 2× the hand-written chain.
 *
 * The generated-runner case goes the way users do: the manifest and its
 * methods written `async` in a package, `flowc build`, `tsc`, then the
 * runner's `run(x)` and a runner of its `createRunner()`, each against the
 * hand-written chain over the same compiled methods. Target: ≤ 1.3× it.
 */
import { readFileSync } from "node:fs";
import type { MethodTable, PlanDescriptor } from "../../stdlib/index.js";
import { flowcGeneratedRun, flowcGeneratedRunner } from "../adapters/flowc-generated.js";
import { flowcInlineChain } from "../adapters/flowc-inline.js";
import { handWrittenChain } from "../adapters/hand-written.js";
import { pocketflowChain } from "../adapters/pocketflow.js";
import { compilePlan, workloadFile } from "../harness/plans.js";
import { judge, ratioOf, ratiosOf, times, timesWithSpread } from "../harness/targets.js";
import type { CaseSpec, Mode, TargetResult, Workload } from "../harness/types.js";
import { buildUserPackage, type GeneratedRunner } from "../harness/user-package.js";
import { a, asyncMethods, b, c, expectedChain } from "./w1-dispatch.methods.js";

export type ChainStep = (x: number) => number | Promise<number>;

export interface DispatchSetup {
  /** Runs of the chain per timed run, for x = 0 … runs − 1. */
  readonly runs: number;
  readonly plan: PlanDescriptor;
  readonly methods: Chain & MethodTable;
  /** The runner `flowc build` generated, compiled and imported (the generated-runner case only). */
  readonly generated?: GeneratedRunner<number, number> | undefined;
}

/** W1's three steps, by their names in the manifest. */
export interface Chain {
  readonly a: ChainStep;
  readonly b: ChainStep;
  readonly c: ChainStep;
}

/** Each run's output `c(b(a(x)))` at index x. */
export type DispatchOutput = Float64Array;

const CONTENDERS = ["hand-written", "pocketflow", "flowc-inline"] as const;
const GENERATED = "generated runner, async methods";
const GENERATED_CONTENDERS = ["hand-written", "flowc-run", "flowc-generated-runner", "flowc-inline"] as const;
const RUNS = 20_000;
/** Runs per timed run of the generated-runner case: ten times more, so that a round lasts long enough for its ratio to mean something. */
const GENERATED_RUNS = 200_000;

function cases(mode: Mode): CaseSpec[] {
  const spec = (group: string, scale: number, warmups: number, rounds: number, runs = RUNS): CaseSpec => ({
    group,
    scale,
    units: (mode === "test" ? 50 : runs) * scale,
    warmups,
    rounds,
    contenders: group === GENERATED ? GENERATED_CONTENDERS : CONTENDERS,
    timeoutMs: 120_000,
  });
  if (mode === "test") {
    return [spec("sync methods", 1, 1, 1), spec("async methods", 1, 1, 1), spec(GENERATED, 1, 1, 1)];
  }
  if (mode === "quick") {
    return [
      spec("sync methods", 1, 2, 3),
      spec("sync methods", 10, 1, 3),
      spec("sync methods", 100, 1, 1),
      spec("async methods", 1, 2, 3),
      spec(GENERATED, 1, 2, 7, GENERATED_RUNS),
    ];
  }
  return [
    spec("sync methods", 1, 10, 15),
    spec("sync methods", 10, 3, 7),
    spec("sync methods", 100, 1, 5),
    spec("async methods", 1, 10, 15),
    spec(GENERATED, 1, 5, 21, GENERATED_RUNS),
  ];
}

let plan: PlanDescriptor | undefined;
let generated: Promise<{ runner: GeneratedRunner<number, number>; methods: Chain }> | undefined;

/**
 * W1's package, built once per process (W7 runs its chain too): the runner
 * generated from its manifest and its compiled `async` methods.
 */
export function generatedChain(): Promise<{ runner: GeneratedRunner<number, number>; methods: Chain }> {
  return (generated ??= buildGenerated());
}

/** Builds W1's package: its manifest, its methods written `async`, the runner and `tsc`. */
async function buildGenerated(): Promise<{ runner: GeneratedRunner<number, number>; methods: Chain }> {
  const read = (name: string): string => readFileSync(workloadFile(name), "utf8");
  const built = buildUserPackage("w1-dispatch", read("w1-dispatch.flow"), read("w1-dispatch.package-methods.ts"));
  const [runner, methods] = await Promise.all([
    built.load<GeneratedRunner<number, number>>("w1-dispatch.flow.js"),
    built.load<Chain>("w1-dispatch.methods.js"),
  ]);
  return { runner, methods };
}

export const dispatchWorkload: Workload<DispatchSetup, DispatchOutput> = {
  id: "W1",
  title: "dispatch overhead",
  description:
    "The chain a(x)=x+1 → b(x)=x*2 → c(x)=x−3 run once for each x, one run after another. The methods cost nothing, " +
    "so a run's time is what the runner adds to three calls. Synchronous methods (what the manifest's module exports) and " +
    "the same steps written `async`. The generated-runner case calls a runner `flowc build` generated, as users ship " +
    "it: its `run(x)` (one runner kept by the module) and `createRunner().run(x)`, against the hand-written chain over " +
    "the same compiled `async` methods; its ratios are given with their spread over the rounds.",
  unit: "run",
  contenders: [handWrittenChain, pocketflowChain, flowcInlineChain, flowcGeneratedRun, flowcGeneratedRunner],
  cases,
  needsBuild: true,
  async setup(spec) {
    plan ??= await compilePlan(workloadFile("w1-dispatch.flow"));
    if (spec.group === GENERATED) {
      const { runner, methods } = await generatedChain();
      return {
        value: { runs: spec.units, plan, methods: { ...methods }, generated: runner },
        notes: [
          `${GENERATED}: the manifest and its methods written \`async\` built with \`flowc build\` and compiled by ` +
            "`tsc` in a package of their own, then imported; every contender calls the same compiled methods.",
        ],
      };
    }
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
    const out: TargetResult[] = results.map((result) =>
      judge(
        `W1 ${result.spec.group} ${result.spec.scale}×: flowc inline ≤ 2× hand-written`,
        ratioOf(result, "flowc-inline", "hand-written"),
        (ratio) => ratio <= 2,
        (ratio) => `${times(ratio)} hand-written`,
      ),
    );
    for (const result of results.filter((candidate) => candidate.spec.group === GENERATED)) {
      for (const [id, what] of [
        ["flowc-run", "`run(x)`"],
        ["flowc-generated-runner", "`createRunner().run(x)`"],
      ] as const) {
        const ratios = ratiosOf(result, id, "hand-written");
        out.push(
          judge(
            `W1 ${GENERATED}: generated ${what} ≤ 1.3× hand-written`,
            ratios?.median,
            (ratio) => ratio <= 1.3,
            () => `${timesWithSpread(ratios!)} hand-written`,
          ),
        );
      }
    }
    return out;
  },
};
