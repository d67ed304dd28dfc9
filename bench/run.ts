/**
 * The benchmark harness: runs every workload with flowc and with what a user
 * would pick instead, in one process run, and writes
 * bench/results/latest.json and latest.md (a quick run writes under
 * bench/results/quick/ instead, so that it never replaces a full run's).
 *
 *   npm run bench                     # full sizes (about 15 minutes on 2 cores)
 *   npm run bench -- --quick          # small sizes: checks every contender's output (CI)
 *   npm run bench -- --only W1,W3     # some workloads
 *
 * Exits 1 when any contender's output is wrong or it fails to run, and, under
 * CI=true, when a workload had to be skipped. Targets missed are reported,
 * never fatal: timings on a shared machine are not a test.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { describeMachine } from "./harness/machine.js";
import { failuresOf, targetTable, toJson, toMarkdown, type Report } from "./harness/report.js";
import type { Mode, WorkloadResult } from "./harness/types.js";
import { WORKLOADS } from "./workloads/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    out: { type: "string" },
  },
});
const mode: Mode = values.quick ? "quick" : "full";
const out = values.out ?? join(root, mode === "quick" ? "bench/results/quick" : "bench/results");
const only = values.only?.split(",").map((id) => id.trim().toUpperCase());
const unknown = only?.filter((id) => !WORKLOADS.some((workload) => workload.id === id)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(
    `bench: unknown workload ${unknown.join(", ")}; known: ${WORKLOADS.map((w) => w.id).join(", ")}\n`,
  );
  process.exit(2);
}
const chosen = WORKLOADS.filter((workload) => only === undefined || only.includes(workload.id));

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Newest modification time of the TypeScript sources under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|mjs)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Workloads that spawn `flowc` measure the built CLI, as users run it, and
 * generated runners import the built runtime; build it first when it is
 * missing or older than the sources.
 */
function ensureBuilt(): void {
  const cli = join(root, "dist/src/cli/main.js");
  let built = 0;
  try {
    built = statSync(cli).mtimeMs;
  } catch {
    built = 0;
  }
  const sources = Math.max(...["src", "grammar", "stdlib"].map((dir) => newestSource(join(root, dir))));
  if (built >= sources) return;
  log(built === 0 ? "bench: dist/ is missing; building it" : "bench: dist/ is older than the sources; building it");
  const result = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0) {
    log("bench: the build failed");
    process.exit(1);
  }
}

if (chosen.some((workload) => workload.needsBuild)) ensureBuilt();

const machine = describeMachine();
log(
  `bench: ${mode} run on ${machine.cores} cores (${machine.cpuModel}), Node ${machine.node}, load average ${machine.loadAverage}`,
);
const started = performance.now();
const results: WorkloadResult[] = [];
for (const workload of chosen) {
  log(`\n${workload.id} — ${workload.title}`);
  const result = await workload.measure({ mode, log });
  if (result.skipped !== undefined) {
    log(`\n*** ${workload.id} SKIPPED: ${result.skipped} ***\n`);
  }
  results.push(result);
}
const report: Report = { machine, mode, seconds: (performance.now() - started) / 1000, workloads: results };

mkdirSync(out, { recursive: true });
writeFileSync(join(out, "latest.json"), toJson(report));
writeFileSync(join(out, "latest.md"), toMarkdown(report));

process.stdout.write(`${targetTable(results.flatMap((workload) => workload.targets)).join("\n")}\n`);
process.stdout.write(`\nwritten: ${join(out, "latest.md")} and latest.json (${Math.round(report.seconds)} s)\n`);

const failures = failuresOf(report);
for (const failure of failures) {
  log(`bench: FAILED ${failure.workload} ${failure.case}, ${failure.contender}: ${failure.error}`);
}
const skipped = results.filter((workload) => workload.skipped !== undefined);
if (process.env["CI"] === "true") {
  for (const workload of skipped)
    log(`bench: ${workload.id} was skipped, which CI does not allow: ${workload.skipped}`);
}
if (failures.length > 0 || (process.env["CI"] === "true" && skipped.length > 0)) process.exitCode = 1;
