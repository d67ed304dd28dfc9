/**
 * W9 — a manifest imported directly: `node --import flowc/register app.mjs`, where app.mjs
 * does `import { run } from "./examples/<name>/<name>.flow"`, calls `run(input)` with the
 * example's input and prints the output, on a copy of each example in a package of its own
 * (see adapters/flowc-loader.ts). Every contender is a fresh `node` process, and its output
 * must equal what `flowc run <manifest> --input @input.json --quiet` prints.
 *
 * Cold means: no compiled runner in the rebuild cache (`$FLOWC_CACHE_DIR`, a fresh empty
 * folder each round) and no compiled methods module in the package's
 * `node_modules/.cache/flowc/threads` (removed each round), so the loader compiles the
 * manifest, TypeScript 7 reading the methods, and esbuild compiles the runner and the
 * methods; the operating system's file cache stays as the rounds before left it. Warm: both
 * caches as a start before left them.
 *
 * Targets (reported, not fatal): a warm loader start ≤ 1.25× `node` of the runner `flowc
 * build` wrote, compiled to JavaScript beforehand (the cache makes the second start cost a few
 * file reads); a cold loader start ≤ 1.1× `flowc build`, esbuild and `node` in sequence.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  cliBuild,
  loaderCold,
  loaderWarm,
  prebuilt,
  prebuiltHooked,
  spawnIn,
  writeImportPackage,
} from "../adapters/flowc-loader.js";
import { CLI } from "../harness/processes.js";
import { judge, medianOf, ratiosOf, timesWithSpread } from "../harness/targets.js";
import type { CaseResult, CaseSpec, Mode, TargetResult, Workload } from "../harness/types.js";
import { exampleNames } from "./w5-compiler.js";

export interface ImportSetup {
  readonly example: string;
  /** The case's own folder: each contender writes its package in it. */
  readonly dir: string;
  /** What `flowc run` prints for the example, without the last newline. */
  readonly expected: string;
}

export type ImportOutput =
  | { readonly kind: "printed"; readonly stdout: string }
  | { readonly kind: "exit"; readonly status: number | null; readonly output: string };

const CONTENDERS = ["loader-cold", "loader-warm", "prebuilt", "prebuilt-hooked", "cli-build"];
const WARM_LIMIT = 1.25;
/** What the loader itself may add to a warm start, beyond the hooks thread any loader costs Node 20. */
const HOOKED_LIMIT = 1.15;
const COLD_LIMIT = 1.1;

function cases(mode: Mode): CaseSpec[] {
  const start = (example: string, warmups: number, rounds: number): CaseSpec => ({
    group: `import ${example}`,
    scale: 1,
    units: 1,
    unit: "start",
    warmups,
    rounds,
    contenders: CONTENDERS,
    timeoutMs: 120_000,
    params: { example },
  });
  if (mode === "test") return [start("word-count", 0, 1)];
  const examples = exampleNames();
  if (mode === "quick") return examples.map((example) => start(example, 1, 2));
  return examples.map((example) => start(example, 1, 9));
}

export const importWorkload: Workload<ImportSetup, ImportOutput> = {
  id: "W9",
  title: "import a manifest directly",
  description:
    'A fresh `node` process that imports an example\'s manifest (`import { run } from "./<name>.flow"`), calls ' +
    "`run(input)` with the example's input and prints the output, on a copy of each example in a package whose " +
    "`node_modules/flowc` is the built package; every output must equal what `flowc run <manifest> --input " +
    "@input.json --quiet` prints. *loader-cold*: `node --import flowc/register app.mjs` with the rebuild cache (a " +
    "fresh `$FLOWC_CACHE_DIR` each round) and the compiled methods modules (`node_modules/.cache/flowc/threads`) " +
    "emptied before each start, so the loader compiles the manifest (TypeScript 7 reading the methods) and esbuild " +
    "the runner and the methods; *loader-warm*: the same once a start before it (untimed) filled both caches, each " +
    "start checked to have stored nothing new; *prebuilt*: `node app.mjs` importing the runner `flowc build` wrote, " +
    "compiled to JavaScript with its methods by esbuild once beforehand (untimed): the floor a warm loader start is " +
    "compared with; *prebuilt-hooked*: the same under a `module.register` hook that only passes each import on, " +
    "what Node's hooks thread alone costs a start (any loader pays it); *cli-build*: `flowc build`, esbuild (its own process, as a build script runs it) and `node " +
    "app.mjs` in sequence, the caches emptied as for *loader-cold*: the two-step recipe the loader replaces.",
  unit: "start",
  contenders: [loaderCold, loaderWarm, prebuilt, prebuiltHooked, cliBuild],
  needsBuild: true,
  cases,
  async setup(spec) {
    const example = String(spec.params?.["example"]);
    const dir = mkdtempSync(join(tmpdir(), "flowc-bench-import-"));
    const dispose = async (): Promise<void> => rmSync(dir, { recursive: true, force: true });
    try {
      const pkg = writeImportPackage(join(dir, "expected"), example);
      const args = [CLI, "run", pkg.manifest, "--input", `@${pkg.input}`, "--quiet"];
      const printed = spawnIn(pkg, process.execPath, args, join(dir, "expected-cache"), spec.timeoutMs);
      if (printed.status !== 0) throw new Error(`flowc run ${pkg.manifest} failed: ${printed.output.slice(0, 2000)}`);
      rmSync(pkg.dir, { recursive: true, force: true });
      const expected = printed.stdout.trimEnd();
      const note = `${example}: \`flowc run\` printed ${expected.length.toLocaleString("en")} characters of JSON`;
      return { value: { example, dir, expected }, notes: [note], dispose };
    } catch (error) {
      await dispose();
      throw error;
    }
  },
  check(setup, output) {
    if (output.kind === "exit") {
      throw new Error(`exited with ${String(output.status)}: ${output.output.slice(0, 2000)}`);
    }
    const printed = output.stdout.trimEnd();
    if (printed !== setup.expected) {
      throw new Error(`printed ${printed.slice(0, 300)}, where \`flowc run\` printed ${setup.expected.slice(0, 300)}`);
    }
  },
  targets(results) {
    const out: TargetResult[] = [];
    /** `numerator` ÷ `denominator` per round, met at or under `limit`, with both medians. */
    const ratioTarget = (
      result: CaseResult,
      target: string,
      numerator: string,
      denominator: string,
      limit: number,
    ): TargetResult => {
      const ratios = ratiosOf(result, numerator, denominator);
      const ms = (id: string): string => `${(medianOf(result, id) ?? Number.NaN).toFixed(0)} ms`;
      return judge(
        target,
        ratios?.median,
        (ratio) => ratio <= limit,
        () => (ratios === undefined ? "—" : `${timesWithSpread(ratios)}: ${ms(numerator)} against ${ms(denominator)}`),
      );
    };
    for (const result of results) {
      const group = result.spec.group;
      out.push(
        ratioTarget(
          result,
          `W9 ${group}: a warm loader start ≤ ${WARM_LIMIT}× \`node\` of the prebuilt runner`,
          "loader-warm",
          "prebuilt",
          WARM_LIMIT,
        ),
        ratioTarget(
          result,
          `W9 ${group}: the loader's own part, a warm start ≤ ${HOOKED_LIMIT}× the prebuilt runner under hooks that pass imports on`,
          "loader-warm",
          "prebuilt-hooked",
          HOOKED_LIMIT,
        ),
        ratioTarget(
          result,
          `W9 ${group}: a cold loader start ≤ ${COLD_LIMIT}× \`flowc build\`, esbuild and \`node\` in sequence`,
          "loader-cold",
          "cli-build",
          COLD_LIMIT,
        ),
      );
    }
    return out;
  },
};
