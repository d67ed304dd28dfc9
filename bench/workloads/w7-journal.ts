/**
 * W7 — durable runs: what a run journal (`RunnerOptions.store`, here
 * `sqliteStore(dir)`) costs, and what a resume saves, on runners `flowc build`
 * generated and `tsc` compiled (W1's and W2's packages), called as users call
 * them: `createRunner({ store })`, then `run(input)` or `run(input, { resume: true })`.
 *
 * - Journal cost on W2's shape: 4,000 items of about 0.5 ms of CPU on worker
 *   threads, without a journal and with one in a new folder each round.
 *   Target: with ≤ 1.05× without.
 * - Journal cost per call on W1's chain (three `async` methods that do next to
 *   nothing), run after run: (with − without) ÷ calls. Target: < 20 µs a call.
 * - Resume: a stage of 10,000 such items whose journal holds the outputs of
 *   the first 9,000 (from a run over those alone, made once and copied for
 *   each round, untimed), resumed with `resume: true`, against the whole run
 *   without a journal. Target: ≤ 15 % of it.
 */
import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import {
  flowcChainJournal,
  flowcChainNoJournal,
  flowcJournal,
  flowcNoJournal,
  flowcResume,
  journalFolder,
} from "../adapters/flowc-journal.js";
import { differencesOf, findCase, judge, medianOf, ratiosOf, timesWithSpread } from "../harness/targets.js";
import type { CaseResult, CaseSpec, Mode, Setup, TargetResult, Workload } from "../harness/types.js";
import { installedRuntime, type GeneratedRunner, type InstalledRuntime } from "../harness/user-package.js";
import { generatedChain } from "./w1-dispatch.js";
import { expectedChain } from "./w1-dispatch.methods.js";
import { checkDigests, digestsFingerprint, generatedHashRunner, hashCalibration } from "./w2-parallel-cpu.js";
import type { HashItem } from "./w2-parallel-cpu.methods.js";

/** A case of items on threads: W2's method and runner. */
export interface ItemsSetup {
  readonly kind: "items";
  readonly items: readonly HashItem[];
  /** Other items (seeds after the case's), run by each new runner before it is timed, to start its threads. */
  readonly warmItems: readonly HashItem[];
  /** The method's name in the manifest, as the journal records it. */
  readonly method: string;
  readonly generated: GeneratedRunner<readonly HashItem[], string[]>;
  readonly runtime: InstalledRuntime;
  /** A journal folder holding the outputs of the first `done` items (the resume case), made once by the setup. */
  readonly prepared?: { readonly dir: string; readonly done: number } | undefined;
}

/** A case of W1's chain, run once for each x = 0 … runs − 1. */
export interface ChainSetup {
  readonly kind: "chain";
  readonly runs: number;
  readonly generated: GeneratedRunner<number, number>;
  readonly runtime: InstalledRuntime;
}

export type JournalSetup = ItemsSetup | ChainSetup;

/** Items: one digest per item; the chain: each run's output by x. */
export type JournalOutput = string[] | Float64Array;

const ITEMS = "journal cost, 0.5 ms items on threads";
const CHAIN = "journal cost, W1's chain, async methods";
const RESUME = "resume, 90 % of the items stored";
/** What a journal may add to W2's shape: with ≤ this × without. */
const ITEMS_RATIO = 1.05;
/** What a journal may add per call of W1's chain, in microseconds. */
const CALL_US = 20;
/** What a resume of a stage with 90 % of its outputs stored may take, as a share of the whole run without a journal. */
const RESUME_SHARE = 0.15;
/** The share of the resume case's items whose outputs the journal holds. */
const DONE_SHARE = 0.9;
/** Calls of W1's chain per run. */
const CHAIN_CALLS = 3;

function cases(mode: Mode): CaseSpec[] {
  const spec = (group: string, units: number, warmups: number, rounds: number): CaseSpec => ({
    group,
    scale: 1,
    units,
    unit: group === CHAIN ? "run" : undefined,
    warmups,
    rounds,
    contenders:
      group === CHAIN
        ? ["chain-no-journal", "chain-journal"]
        : group === ITEMS
          ? ["no-journal", "journal"]
          : ["no-journal", "resume"],
    timeoutMs: 600_000,
  });
  if (mode === "test") return [spec(ITEMS, 24, 1, 1), spec(CHAIN, 50, 1, 1), spec(RESUME, 40, 1, 1)];
  if (mode === "quick") return [spec(ITEMS, 1000, 1, 3), spec(CHAIN, 2000, 1, 3), spec(RESUME, 1000, 1, 3)];
  return [spec(ITEMS, 4000, 1, 9), spec(CHAIN, 20_000, 2, 9), spec(RESUME, 10_000, 1, 7)];
}

/** Hash items of seeds `from` … `from + count − 1`. */
function hashItems(from: number, count: number, rounds: number): HashItem[] {
  return Array.from({ length: count }, (_, i): HashItem => ({ seed: from + i, rounds }));
}

/**
 * The resume case's journal: a run over the first `done` items alone, in a folder of its
 * own, closed (so that the database is whole in `journal.db`) before any round copies it.
 */
async function prepareJournal(setup: ItemsSetup, done: number): Promise<{ dir: string; ms: number }> {
  const dir = journalFolder();
  const store = setup.runtime.sqliteStore(dir);
  const runner = setup.generated.createRunner({ store });
  const start = performance.now();
  try {
    await runner.run(setup.items.slice(0, done), { journalId: "first-part" });
  } finally {
    await runner.close();
    await store.close();
  }
  return { dir, ms: performance.now() - start };
}

async function setup(spec: CaseSpec, mode: Mode): Promise<Setup<JournalSetup>> {
  const runtime = await installedRuntime();
  if (spec.group === CHAIN) {
    const { runner } = await generatedChain();
    return {
      value: { kind: "chain", runs: spec.units, generated: runner, runtime },
      notes: [
        `${CHAIN}: W1's package (its manifest and \`async\` methods, \`flowc build\`, \`tsc\`), ${CHAIN_CALLS} calls a run.`,
      ],
    };
  }
  // Tests keep items tiny: they check outputs, not timings.
  const rounds = mode === "test" ? 2 : hashCalibration().rounds;
  const threads = availableParallelism();
  const items: ItemsSetup = {
    kind: "items",
    items: hashItems(0, spec.units, rounds),
    warmItems: hashItems(spec.units, 2 * threads, rounds),
    method: "hashItem",
    generated: await generatedHashRunner(),
    runtime,
  };
  const notes = [
    `${ITEMS} and ${RESUME}: W2's package and method (N = ${rounds} rounds of sha256 per item), ${threads} threads; ` +
      "each round a new runner (and a journal in a new folder), started on " +
      `${2 * threads} other items before it is timed.`,
  ];
  if (spec.group !== RESUME) return { value: items, notes };
  const done = Math.round(spec.units * DONE_SHARE);
  const prepared = await prepareJournal(items, done);
  return {
    value: { ...items, prepared: { dir: prepared.dir, done } },
    notes: [
      ...notes,
      `${RESUME}: the journal of a run over the first ${done.toLocaleString("en")} items (made once, in ` +
        `${prepared.ms.toFixed(0)} ms, untimed) is copied into a new folder for each round; the resumed run ` +
        `reads their outputs back and hashes the other ${(spec.units - done).toLocaleString("en")}.`,
    ],
    dispose: async () => rmSync(prepared.dir, { recursive: true, force: true }),
  };
}

function check(setup: JournalSetup, output: JournalOutput): void {
  if (setup.kind === "items") {
    checkDigests(setup.items, output);
    return;
  }
  if (!(output instanceof Float64Array) || output.length !== setup.runs) {
    throw new Error(`${output.length} outputs for ${setup.runs} runs`);
  }
  for (let x = 0; x < setup.runs; x++) {
    if (output[x] !== expectedChain(x)) throw new Error(`run ${x} gave ${output[x]}, expected ${expectedChain(x)}`);
  }
}

function fingerprint(output: JournalOutput): string {
  if (Array.isArray(output)) return digestsFingerprint(output);
  return createHash("sha256").update(output).digest("hex").slice(0, 16);
}

function targets(results: readonly CaseResult[]): TargetResult[] {
  const out: TargetResult[] = [];
  const items = findCase(results, ITEMS);
  const itemRatios = ratiosOf(items, "journal", "no-journal");
  const [withJournal, without] = [medianOf(items, "journal"), medianOf(items, "no-journal")];
  out.push(
    judge(
      `W7 ${count(items?.spec.units)} items × 0.5 ms on threads: with a journal ≤ ${ITEMS_RATIO}× without`,
      withJournal === undefined || without === undefined ? undefined : withJournal / without,
      (ratio) => ratio <= ITEMS_RATIO,
      (ratio) =>
        `${ratio.toFixed(3)}× (medians ${withJournal!.toFixed(0)} and ${without!.toFixed(0)} ms); per round ` +
        (itemRatios === undefined ? "—" : timesWithSpread(itemRatios)),
    ),
  );

  const chain = findCase(results, CHAIN);
  const runs = chain?.spec.units ?? 0;
  const calls = runs * CHAIN_CALLS;
  const added = differencesOf(chain, "chain-journal", "chain-no-journal");
  const [on, off] = [medianOf(chain, "chain-journal"), medianOf(chain, "chain-no-journal")];
  const perCall = (ms: number): number => (ms * 1000) / calls;
  const perSecond = (ms: number): string => `${Math.round((runs * 1000) / ms).toLocaleString("en")} runs/s`;
  out.push(
    judge(
      `W7 W1's chain, ${count(runs)} runs: a journal adds < ${CALL_US} µs per call`,
      on === undefined || off === undefined ? undefined : perCall(on - off),
      (us) => us < CALL_US,
      (us) =>
        `${us.toFixed(1)} µs per call (rounds ${perCall(added!.min).toFixed(1)}–${perCall(added!.max).toFixed(1)}): ` +
        `${perSecond(on!)} with a journal, ${perSecond(off!)} without`,
    ),
  );

  const resume = findCase(results, RESUME);
  const resumeRatios = ratiosOf(resume, "resume", "no-journal");
  const [resumed, full] = [medianOf(resume, "resume"), medianOf(resume, "no-journal")];
  out.push(
    judge(
      `W7 resume of ${count(resume?.spec.units)} items, ${Math.round(DONE_SHARE * 100)} % stored: ≤ ${RESUME_SHARE * 100} % of the whole run without a journal`,
      resumed === undefined || full === undefined ? undefined : resumed / full,
      (share) => share <= RESUME_SHARE,
      (share) =>
        `${(share * 100).toFixed(1)} % (${resumed!.toFixed(0)} ms against ${full!.toFixed(0)} ms; rounds ` +
        `${resumeRatios === undefined ? "—" : `${(resumeRatios.min * 100).toFixed(1)}–${(resumeRatios.max * 100).toFixed(1)} %`})`,
    ),
  );
  return out;
}

function count(units: number | undefined): string {
  return units === undefined ? "—" : units.toLocaleString("en");
}

export const journalWorkload: Workload<JournalSetup, JournalOutput> = {
  id: "W7",
  title: "durable runs",
  description:
    "What a run journal costs and what a resume saves, on the runners `flowc build` generated for W2's and W1's " +
    "packages, as users call them: `createRunner({ store: sqliteStore(dir) })`, each round a new runner on a journal " +
    "in a new folder, against `createRunner()` without one. W2's shape: 4,000 items of about 0.5 ms of CPU on worker " +
    "threads, every output stored as it arrives. W1's chain: three `async` methods that do next to nothing, run " +
    "after run, each run a journal record and three stored outputs; the cost per call is (with − without) ÷ calls. " +
    "Resume: 10,000 such items, the journal holding the outputs of the first 9,000 (a run over those alone, made " +
    "once, untimed, and copied for each round), run with `resume: true` (the stored outputs read back, the other " +
    "1,000 hashed and stored), against the whole run without a journal. Ratios are of medians, with the spread of " +
    "the per-round ratios; after each round the journal is read back to check what it holds.",
  unit: "item",
  contenders: [flowcNoJournal, flowcJournal, flowcResume, flowcChainNoJournal, flowcChainJournal],
  needsBuild: true,
  cases,
  setup,
  check,
  fingerprint,
  targets,
};
