/**
 * W2 — parallel CPU: 4,000 items of about 0.5 ms of CPU each (sha256 fed N
 * times with a 4 KiB block seeded by the item's index; N calibrated once per
 * run in this thread and reported). Targets: flowc's threads backend ≥ 1.8×
 * as fast as the single-thread loop, and at least as fast as piscina with
 * the best fixed chunk size.
 *
 * flowc also runs as users ship it: a package of the manifest and its
 * methods in TypeScript, `flowc build`, `tsc`, then the generated `run()`
 * called again and again (the runner the module keeps); and that `run()`'s
 * first call, which starts the threads, timed on its own. Targets: the same
 * ≥ 1.8× for the repeated calls; the first call ≤ 300 ms.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { PlanDescriptor } from "../../stdlib/index.js";
import { flowcGeneratedFirstCall, flowcGeneratedRunItems } from "../adapters/flowc-generated.js";
import { flowcThreadsItems } from "../adapters/flowc-threads.js";
import { promiseAllOneThread, singleThreadLoop } from "../adapters/hand-written.js";
import { piscinaChunked, piscinaPerItem } from "../adapters/piscina.js";
import { pocketflowParallelBatch } from "../adapters/pocketflow.js";
import { compilePlan, workloadFile } from "../harness/plans.js";
import { findCase, judge, ratioOf, times } from "../harness/targets.js";
import type { CaseResult, CaseSpec, Contender, Mode, TargetResult, Workload } from "../harness/types.js";
import { buildUserPackage, type GeneratedRunner } from "../harness/user-package.js";
import type { ParallelItemsSetup } from "./parallel-items.js";
import { hashItem, type HashItem } from "./w2-parallel-cpu.methods.js";

type Setup = ParallelItemsSetup<HashItem, string>;

const ITEMS = 4000;
/** What one item should cost, in milliseconds of CPU. */
const ITEM_MS = 0.5;
const ALL = [
  "single-thread",
  "promise-all",
  "pocketflow-batch",
  "piscina-per-item",
  "piscina-best-chunk",
  "flowc-threads",
  "flowc-run",
];
/**
 * At 10× flowc and the peer it is compared with, at 100× flowc alone (one run
 * of 400,000 items takes minutes), so that the full run stays within about 15 minutes.
 */
const AT_10X = ["piscina-best-chunk", "flowc-threads", "flowc-run"];
const FIRST_CALL = "first run() call";
const AT_100X = ["flowc-threads"];

function cases(mode: Mode): CaseSpec[] {
  const spec = (
    scale: number,
    warmups: number,
    rounds: number,
    contenders: readonly string[],
    base = ITEMS,
  ): CaseSpec => ({
    group: "0.5 ms items",
    scale,
    units: base * scale,
    warmups,
    rounds,
    contenders,
    timeoutMs: 600_000,
  });
  // One item per thread: the call's time is the threads' start-up and one item's work.
  const firstCall = (warmups: number, rounds: number): CaseSpec => ({
    group: FIRST_CALL,
    scale: 1,
    units: availableParallelism(),
    warmups,
    rounds,
    contenders: ["flowc-run-first-call"],
    timeoutMs: 60_000,
  });
  if (mode === "test") return [spec(1, 1, 1, ALL, 24), firstCall(0, 1)];
  // Quick runs check outputs, not timings: a quarter of the items.
  if (mode === "quick") return [spec(1, 1, 1, ALL, ITEMS / 4), spec(10, 0, 1, AT_10X, ITEMS / 4), firstCall(1, 3)];
  return [spec(1, 1, 5, ALL), spec(10, 0, 3, AT_10X), spec(100, 0, 1, AT_100X), firstCall(1, 9)];
}

export interface Calibration {
  readonly rounds: number;
  /** One item's measured cost at `rounds`, in milliseconds. */
  readonly itemMs: number;
}

let calibration: Calibration | undefined;
let plan: PlanDescriptor | undefined;
let generated: Promise<GeneratedRunner<readonly HashItem[], string[]>> | undefined;

/** How many rounds of sha256 make an item cost about {@link ITEM_MS} here: measured once per process (W7 uses it too). */
export function hashCalibration(): Calibration {
  return (calibration ??= calibrate());
}

/** The runner generated from W2's package, built once per process (W7 runs it too). */
export function generatedHashRunner(): Promise<GeneratedRunner<readonly HashItem[], string[]>> {
  return (generated ??= buildGenerated());
}

/** Builds W2's package: its manifest and methods module as they are, the runner and `tsc`. */
async function buildGenerated(): Promise<GeneratedRunner<readonly HashItem[], string[]>> {
  const read = (name: string): string => readFileSync(workloadFile(name), "utf8");
  const built = buildUserPackage("w2-parallel-cpu", read("w2-parallel-cpu.flow"), read("w2-parallel-cpu.methods.ts"));
  return built.load("w2-parallel-cpu.flow.js");
}

/**
 * Time per item of `hashItem` over `count` items with `rounds`, in
 * milliseconds: the fastest of five tries, since other work on a shared
 * machine only ever makes a try slower.
 */
function timeItems(rounds: number, count: number, offset: number): number {
  let best = Infinity;
  for (let attempt = 0; attempt < 5; attempt++) {
    const start = performance.now();
    for (let i = 0; i < count; i++) hashItem({ seed: offset + attempt * count + i, rounds });
    best = Math.min(best, (performance.now() - start) / count);
  }
  return best;
}

/**
 * Finds N such that one item costs about {@link ITEM_MS} here: the cost is
 * linear in N (a fixed part for the block and the digest, plus one hash
 * update per round), so two measurements give it; a third checks it.
 */
function calibrate(): Calibration {
  timeItems(64, 40, 0); // warm up the JIT and the hash
  const fixed = timeItems(0, 200, 1000);
  const probe = 128;
  const perRound = (timeItems(probe, 40, 3000) - fixed) / probe;
  const rounds = Math.max(1, Math.round((ITEM_MS - fixed) / Math.max(perRound, 1e-6)));
  const itemMs = timeItems(rounds, 40, 5000);
  return { rounds, itemMs };
}

/**
 * Throws when `output` is not one sha256 digest per item, or when a sample of
 * them (first, last and evenly spaced ones) differs from `hashItem` computed afresh.
 */
export function checkDigests(items: readonly HashItem[], output: unknown): void {
  if (!Array.isArray(output) || output.length !== items.length) {
    throw new Error(`${Array.isArray(output) ? output.length : typeof output} outputs for ${items.length} items`);
  }
  const malformed = output.findIndex((digest) => typeof digest !== "string" || !/^[0-9a-f]{64}$/.test(digest));
  if (malformed !== -1) throw new Error(`output ${malformed} is not a sha256 digest: ${String(output[malformed])}`);
  for (const i of sampleIndexes(output.length, 65)) {
    const expected = hashItem(items[i]!);
    if (output[i] !== expected) throw new Error(`item ${i} hashed to ${String(output[i])}, expected ${expected}`);
  }
}

/** A digest of every output, so that contenders that differ anywhere (not only where `checkDigests` samples) are told apart. */
export function digestsFingerprint(output: readonly string[]): string {
  return createHash("sha256").update(output.join("\n")).digest("hex").slice(0, 16);
}

/** Indexes checked against a fresh computation: first, last and evenly spaced ones in between. */
function sampleIndexes(length: number, samples: number): number[] {
  if (length <= samples) return Array.from({ length }, (_, i) => i);
  return Array.from({ length: samples }, (_, k) => Math.round((k * (length - 1)) / (samples - 1)));
}

const contenders: Contender<Setup, string[]>[] = [
  singleThreadLoop(),
  promiseAllOneThread(),
  pocketflowParallelBatch(),
  piscinaPerItem(),
  piscinaChunked(),
  flowcThreadsItems(),
  flowcGeneratedRunItems(),
  flowcGeneratedFirstCall(),
];

export const parallelCpuWorkload: Workload<Setup, string[]> = {
  id: "W2",
  title: "parallel CPU",
  description:
    `One CPU-bound method (sha256 fed N times with a 4 KiB block seeded by the item's index, N calibrated so that an item ` +
    `costs about ${ITEM_MS} ms) applied to ${ITEMS.toLocaleString("en")} items, on one thread per core. pocketflow's ` +
    "parallel batch node and `Promise.all` run in one thread, so CPU-bound items gain nothing there. At 10× and 100× only " +
    "flowc and the best-chunk piscina run (at 100× flowc alone, once), so that the full run stays within about 15 minutes. " +
    "`flowc, generated run(items)` calls the `run()` of a runner `flowc build` generated, compiled by `tsc` in a package " +
    "of its own (the module keeps one runner, so its threads stay up between calls); the first-call case times that " +
    "`run()`'s first call on one item per thread, the threads' start-up (each imports the methods compiled to JavaScript once by " +
    "esbuild) included.",
  unit: "item",
  contenders,
  cases,
  needsBuild: true,
  async setup(spec, mode) {
    plan ??= await compilePlan(workloadFile("w2-parallel-cpu.flow"));
    const uses = (id: string): boolean => spec.contenders.some((contender) => contender.startsWith(id));
    // Tests keep items tiny: they check outputs, not timings.
    const current = mode === "test" ? { rounds: 2, itemMs: Number.NaN } : hashCalibration();
    const items = Array.from({ length: spec.units }, (_, seed): HashItem => ({ seed, rounds: current.rounds }));
    const notes =
      mode === "test"
        ? []
        : [
            `N = ${current.rounds} rounds of sha256 over a 4 KiB block per item; one item measured at ` +
              `${current.itemMs.toFixed(3)} ms in the main thread; ${availableParallelism()} threads per pool.`,
          ];
    return {
      value: {
        items,
        plan,
        method: hashItem,
        module: workloadFile("w2-parallel-cpu.methods.ts"),
        exportName: "hashItem",
        moduleBase: workloadFile(""),
        threads: availableParallelism(),
        generated: uses("flowc-run") ? await generatedHashRunner() : undefined,
      },
      notes,
    };
  },
  check: (setup, output) => checkDigests(setup.items, output),
  fingerprint: digestsFingerprint,
  targets(results) {
    const out: TargetResult[] = [];
    for (const result of results) {
      const size = `${result.spec.scale}× (${result.spec.units.toLocaleString("en")} items)`;
      for (const [id, name] of [
        ["flowc-threads", "flowc threads"],
        ["flowc-run", "generated run()"],
      ] as const) {
        if (!hasBoth(result, "single-thread", id)) continue;
        out.push(
          judge(
            `W2 ${size}: ${name} ≥ 1.8× as fast as the single-thread loop`,
            ratioOf(result, "single-thread", id),
            (speedup) => speedup >= 1.8,
            (speedup) => `${times(speedup)} as fast`,
          ),
        );
      }
      if (hasBoth(result, "piscina-best-chunk")) {
        out.push(
          judge(
            `W2 ${size}: flowc threads at least as fast as piscina with the best chunk size`,
            ratioOf(result, "piscina-best-chunk", "flowc-threads"),
            (speedup) => speedup >= 1,
            (speedup) =>
              `${times(speedup)} as fast (flowc ${ms(result, "flowc-threads")}, piscina ${ms(result, "piscina-best-chunk")})`,
          ),
        );
      }
    }
    const first = findCase(results, FIRST_CALL)?.contenders[0]?.stats;
    out.push(
      judge(
        "W2: the generated run()'s first call, threads' start-up included, ≤ 300 ms",
        first?.median,
        (ms) => ms <= 300,
        (ms) => `${ms.toFixed(0)} ms (${first!.min.toFixed(0)}–${first!.max.toFixed(0)} ms)`,
      ),
    );
    return out;
  },
};

function hasBoth(result: CaseResult, peer: string, flowc = "flowc-threads"): boolean {
  return result.spec.contenders.includes(peer) && result.spec.contenders.includes(flowc);
}

function ms(result: CaseResult, id: string): string {
  const median = result.contenders.find((contender) => contender.id === id)?.stats?.median;
  return median === undefined ? "—" : `${median.toFixed(0)} ms`;
}
