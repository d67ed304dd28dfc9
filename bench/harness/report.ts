/**
 * The results as JSON (everything, samples included) and as Markdown (the
 * targets, then one table per workload with the ratio of each flowc
 * contender to every other contender, then the cost per unit across sizes).
 */
import type { Machine } from "./machine.js";
import { pairedRatio } from "./stats.js";
import type { CaseResult, ContenderResult, Mode, TargetResult, WorkloadResult } from "./types.js";

export interface Report {
  readonly machine: Machine;
  readonly mode: Mode;
  /** Wall-clock seconds the whole run took. */
  readonly seconds: number;
  readonly workloads: readonly WorkloadResult[];
}

export interface Failure {
  readonly workload: string;
  readonly case: string;
  readonly contender: string;
  readonly error: string;
}

/** Every contender that failed, in every case that ran. */
export function failuresOf(report: Report): Failure[] {
  return report.workloads.flatMap((workload) =>
    workload.cases.flatMap((result) =>
      result.contenders
        .filter((contender) => contender.error !== undefined)
        .map((contender) => ({
          workload: workload.id,
          case: caseName(result),
          contender: contender.label,
          error: contender.error ?? "",
        })),
    ),
  );
}

export function toJson(report: Report): string {
  return `${JSON.stringify({ ...report, failures: failuresOf(report) }, null, 2)}\n`;
}

export function toMarkdown(report: Report): string {
  const { machine } = report;
  const lines: string[] = [
    "# flowc benchmarks",
    "",
    `- **Machine:** ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, ${machine.os}; load average ` +
      `${machine.loadAverage} when the run started`,
    `- **Node** ${machine.node}; ${machine.redis ?? "no redis-server"}; ${machine.date}`,
    `- **Mode:** ${modeText(report.mode)}; the whole run took ${Math.round(report.seconds)} s.`,
    "- Each time is the median of the timed runs (the count is in the table) after untimed warm-up runs, with the " +
      "minimum and maximum. Contenders of a case run in the same process run, their rounds interleaved. " +
      "`flowc … ÷ this` is flowc's time divided by the row's (below 1, flowc is faster): the median of the per-round " +
      "ratios, each round running every contender back to back. Each case gives the machine's one-minute load average " +
      `when it started and ended: above ${machine.cores}, other work was competing for the cores and timings of ` +
      "multi-threaded contenders suffer most.",
    "",
    "## Targets",
    "",
    ...targetTable(report.workloads.flatMap((workload) => workload.targets)),
  ];
  const failures = failuresOf(report);
  if (failures.length > 0) {
    lines.push("", "## Failures", "");
    for (const failure of failures) {
      lines.push(`- **${failure.workload} ${failure.case}, ${failure.contender}:** ${failure.error}`);
    }
  }
  for (const workload of report.workloads) lines.push("", ...workloadSection(workload));
  return `${lines.join("\n")}\n`;
}

function modeText(mode: Mode): string {
  if (mode === "quick")
    return "`--quick` (small sizes and few runs: it checks every contender's output, its timings are rough)";
  if (mode === "test") return "test (tiny sizes)";
  return "full";
}

export function targetTable(targets: readonly TargetResult[]): string[] {
  if (targets.length === 0) return ["No target was judged."];
  return [
    "| target | measured | |",
    "| --- | --- | --- |",
    ...targets.map((target) => `| ${target.target} | ${target.measured} | ${verdict(target.met)} |`),
  ];
}

function verdict(met: boolean | undefined): string {
  return met === undefined ? "not judged" : met ? "met" : "**missed**";
}

function workloadSection(workload: WorkloadResult): string[] {
  const lines = [`## ${workload.id} — ${workload.title}`, "", workload.description];
  if (workload.skipped !== undefined) return [...lines, "", `**Skipped:** ${workload.skipped}`];
  lines.push("", `_${Math.round(workload.seconds)} s in all, set-up and warm-up included._`);
  const notes = [...new Set(workload.cases.flatMap((result) => result.notes))];
  if (notes.length > 0) lines.push("", ...notes.map((note) => `- ${note}`));
  for (const result of workload.cases) lines.push("", ...caseTable(result, result.spec.unit ?? workload.unit));
  const growth = growthTables(workload);
  if (growth.length > 0) lines.push("", ...growth);
  return lines;
}

export function caseName(result: CaseResult): string {
  return `${result.spec.group} ${result.spec.scale}× (${result.spec.units.toLocaleString("en")})`;
}

function caseTable(result: CaseResult, unit: string): string[] {
  // A ratio needs something to compare with: a case of flowc alone has no ratio column.
  const flowc =
    result.contenders.length < 2
      ? []
      : result.contenders.filter((contender) => contender.role === "flowc" && contender.stats !== undefined);
  const header = [
    "contender",
    "runs",
    "median",
    "min – max",
    `per ${unit}`,
    ...flowc.map((contender) => `${shortLabel(contender)} ÷ this`),
  ];
  const rows = result.contenders.map((contender) => {
    if (contender.stats === undefined) {
      return [
        label(contender),
        "—",
        `**failed:** ${contender.error ?? "no timed run"}`,
        "",
        "",
        ...flowc.map(() => ""),
      ];
    }
    const { stats } = contender;
    return [
      label(contender),
      String(stats.samples.length),
      milliseconds(stats.median),
      `${milliseconds(stats.min)} – ${milliseconds(stats.max)}`,
      microseconds(contender.perUnitUs),
      ...flowc.map((own) =>
        own === contender || own.stats === undefined ? "" : `${pairedRatio(own.stats, stats).toFixed(2)}×`,
      ),
    ];
  });
  const notes = result.contenders.flatMap((contender) =>
    contender.notes.map((note) => `- ${contender.label}: ${note}`),
  );
  return [
    `**${caseName(result)} ${result.spec.units === 1 ? unit : `${unit}s`}** — load average ${result.load[0]} → ${result.load[1]}`,
    "",
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
    ...(notes.length > 0 ? ["", ...notes] : []),
  ];
}

/** For each group measured at several sizes: cost per unit at each size, and how it changed from one size to the next. */
function growthTables(workload: WorkloadResult): string[] {
  const groups = [...new Set(workload.cases.map((result) => result.spec.group))];
  const out: string[] = [];
  for (const group of groups) {
    const sized = workload.cases
      .filter((result) => result.spec.group === group)
      .sort((x, y) => x.spec.scale - y.spec.scale);
    if (sized.length < 2) continue;
    const ids = [...new Set(sized.flatMap((result) => result.contenders.map((contender) => contender.id)))];
    const header = [
      "contender",
      ...sized.map((result) => `${result.spec.scale}× (${result.spec.units.toLocaleString("en")})`),
      ...sized.slice(1).map((result, i) => `${result.spec.scale}× ÷ ${sized[i]!.spec.scale}×`),
    ];
    const rows = ids.map((id) => {
      const costs = sized.map((result) => result.contenders.find((contender) => contender.id === id)?.perUnitUs);
      const name = sized.flatMap((result) => result.contenders).find((contender) => contender.id === id);
      return [
        name === undefined ? id : label(name),
        ...costs.map(microseconds),
        ...costs.slice(1).map((cost, i) => {
          const before = costs[i];
          return cost === undefined || before === undefined ? "—" : `${(cost / before).toFixed(2)}`;
        }),
      ];
    });
    out.push(
      `**Growth, ${group}: µs per ${workload.unit}** (a step ratio well above 1 means the cost per ${workload.unit} grows with the size)`,
      "",
      `| ${header.join(" | ")} |`,
      `| ${header.map(() => "---").join(" | ")} |`,
      ...rows.map((row) => `| ${row.join(" | ")} |`),
      "",
    );
  }
  return out;
}

function label(contender: ContenderResult): string {
  return contender.role === "flowc"
    ? `**${contender.label}**`
    : contender.role === "floor"
      ? `${contender.label} (floor)`
      : contender.label;
}

function shortLabel(contender: ContenderResult): string {
  return contender.id.replace(/-/g, " ");
}

function milliseconds(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(3)} ms`;
}

function microseconds(us: number | undefined): string {
  if (us === undefined) return "—";
  if (us >= 1000) return `${(us / 1000).toFixed(2)} ms`;
  if (us >= 10) return `${us.toFixed(1)} µs`;
  return `${us.toFixed(3)} µs`;
}
