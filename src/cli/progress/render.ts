/**
 * Text of the run display, as pure functions of a {@link ProgressState} (and
 * the current time where rates depend on it). Nothing here writes to a
 * stream; see display.ts for that.
 */
import type { FlowEvent } from "../../../stdlib/api.js";
import { maxOf } from "../../../grammar/arrays.js";
import { describeThrown } from "../io.js";
import { formatTable, type Column } from "../table.js";
import type { ProgressState, StageProgress } from "./state.js";
import { itemsPerSecond, summarizeStage, wallTime, workersInUse, type StageSummary } from "./stats.js";

/** Printed where a figure is unknown (nothing measured yet, no time elapsed). */
export const UNKNOWN = "-";
/** The summary's `skipped` cell of a stage that skipped nothing. */
export const NOT_SKIPPED = "—";

const BAR_WIDTH = 20;
const SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
const SYMBOL = { waiting: "·", done: "✓", failed: "✗", skipped: "⊘" } as const;

export interface LiveOptions {
  /** Terminal width: longer lines are cut, since a wrapped line would throw off the redraw. */
  readonly width?: number | undefined;
}

/**
 * The live display: one line per stage with its items done out of the total,
 * its rate, the workers it has in use and its retries; then, where there are
 * any, its failures, the calls a fallback stood in for (`fallback ×2`), the
 * failed items it tolerated (`3 of 100 tolerated`) and why it was skipped
 * (`skipped (predicate)`).
 *
 * @example
 * renderLive(state, Date.now(), { width: 80 })
 * // ["✓ splitChapters  ████████████████████   1/1        -/s  0 workers  0 retries",
 * //  "⠹ countWords     ██████████░░░░░░░░░░   2/4   250.0/s  2 workers  0 retries", …]
 */
export function renderLive(state: ProgressState, now: number, options: LiveOptions = {}): string[] {
  const stages = [...state.stages.values()];
  const nameWidth = maxOf(
    stages.map((stage) => stage.name.length),
    0,
  );
  const countWidth = maxOf(
    stages.map((stage) => counts(stage).length),
    0,
  );
  const lines = stages.map((stage) => liveLine(stage, now, nameWidth, countWidth));
  const width = options.width;
  // The last column is left free: writing into it makes some terminals wrap early.
  return width === undefined || width < 2 ? lines : lines.map((line) => truncate(line, width - 1));
}

function liveLine(stage: StageProgress, now: number, nameWidth: number, countWidth: number): string {
  const symbol = stage.status === "running" ? spinner(now) : SYMBOL[stage.status];
  const head = `${symbol} ${stage.name.padEnd(nameWidth)}  ${bar(stage)}  ${counts(stage).padStart(countWidth)}`;
  if (stage.status === "waiting") return `${head}  waiting`;
  const skipped = stage.skip === undefined ? [] : [`skipped (${stage.skip.reason})`];
  // Skipped before it started: there is nothing else to say.
  if (stage.startedAt === undefined && skipped.length > 0) return `${head}  ${skipped[0]}`;
  const rate = itemsPerSecond(stage, now);
  const parts = [
    `${(rate === undefined ? UNKNOWN : formatRate(rate)).padStart(7)}/s`,
    plural(workersInUse(stage), "worker"),
    plural(stage.retries, "retry", "retries"),
  ];
  if (stage.failures > 0) parts.push(plural(stage.failures, "failure"));
  return `${head}  ${[...parts, ...outcomes(stage), ...skipped].join("  ")}`;
}

/** `fallback ×2` and `3 of 100 tolerated`, where the stage had any. */
function outcomes(stage: StageProgress): string[] {
  const parts: string[] = [];
  if (stage.reused > 0) parts.push(`${stage.reused} reused`);
  if (stage.fallbacks > 0) parts.push(fallbacks(stage.fallbacks));
  if (stage.tolerated !== undefined) parts.push(`${ofItems(stage.tolerated.failed, stage.total)} tolerated`);
  return parts;
}

function fallbacks(count: number): string {
  return `fallback ×${count}`;
}

function ofItems(count: number, items: number | undefined): string {
  return `${count} of ${items ?? "?"}`;
}

function spinner(now: number): string {
  return SPINNER[Math.floor(now / 100) % SPINNER.length] ?? "*";
}

function bar(stage: StageProgress): string {
  const fraction =
    stage.total === undefined || stage.total === 0 ? (stage.status === "done" ? 1 : 0) : stage.done / stage.total;
  const filled = Math.max(0, Math.min(BAR_WIDTH, Math.floor(fraction * BAR_WIDTH)));
  return "█".repeat(filled) + "░".repeat(BAR_WIDTH - filled);
}

function counts(stage: StageProgress): string {
  return `${stage.done}/${stage.total ?? "?"}`;
}

/**
 * The line printed for `event` when stderr is not a terminal (a log, a CI
 * job): one when a stage starts, one when it ends (or is skipped after it
 * started) with its counts, one when it is skipped before it started;
 * nothing for other events. Call it after folding `event` into `state`.
 *
 * @example
 * // "stage countWords started: 4 items"
 * // "stage countWords done: 4/4 items in 12 ms, 1 retry"
 * // "stage score done: 97/100 items in 40 ms, 3 failures, fallback ×1, 3 of 100 tolerated"
 * // "stage notify skipped (predicate)"
 * // "stage parse skipped (error: RangeError: bad row): 0/1 call in 3 ms, 1 failure"
 */
export function renderPlainEvent(state: ProgressState, event: FlowEvent): string | undefined {
  if (event.type !== "method:start" && event.type !== "method:end" && event.type !== "method:skip") return undefined;
  const stage = state.stages.get(event.method);
  if (stage === undefined) return undefined;
  if (event.type === "method:start") {
    if (!stage.parallel) return `stage ${stage.name} started`;
    return `stage ${stage.name} started: ${stage.total === undefined ? "items streamed" : plural(stage.total, "item")}`;
  }
  let verdict: string;
  if (event.type === "method:end") verdict = event.ok ? "done" : "failed";
  else if (event.reason === "error") verdict = `skipped (error: ${describeThrown(event.error)})`;
  else verdict = `skipped (${event.reason})`;
  // Skipped before it started: no counts to give.
  if (stage.startedAt === undefined) return `stage ${stage.name} ${verdict}`;
  const unit = stage.parallel ? "items" : "call";
  const wall = wallTime(stage);
  const parts = [`${counts(stage)} ${unit}${wall === undefined ? "" : ` in ${formatDuration(wall)}`}`];
  if (stage.retries > 0) parts.push(plural(stage.retries, "retry", "retries"));
  if (stage.failures > 0) parts.push(plural(stage.failures, "failure"));
  return `stage ${stage.name} ${verdict}: ${[...parts, ...outcomes(stage)].join(", ")}`;
}

const COLUMNS: readonly Column<StageSummary>[] = [
  { title: "stage", cell: (s) => s.name, left: true },
  { title: "items", cell: (s) => `${s.done}/${s.items ?? "?"}` },
  { title: "calls", cell: (s) => String(s.calls) },
  { title: "reused", cell: (s) => String(s.reused) },
  { title: "wall", cell: (s) => formatDuration(s.wallMs) },
  { title: "p50", cell: (s) => formatDuration(s.p50Ms) },
  { title: "p95", cell: (s) => formatDuration(s.p95Ms) },
  { title: "retries", cell: (s) => String(s.retries) },
  { title: "failures", cell: (s) => `${s.failures}${s.fallbacks > 0 ? ` (${fallbacks(s.fallbacks)})` : ""}` },
  { title: "skipped", cell: skippedCell },
  { title: "workers", cell: (s) => String(s.workers) },
  { title: "utilisation", cell: (s) => formatPercent(s.utilisation) },
];

/**
 * The summary printed when the run settles: a line for the run, then a table
 * with a row per stage — items done, calls (attempts), wall time, p50/p95 call
 * duration, retries, failures (with the calls a fallback stood in for:
 * `3 (fallback ×2)`), skipped, workers and their utilisation (busy time over
 * workers × stage wall time). `skipped` says why a stage was skipped
 * (`yes (predicate)`), or for a parallel stage how many of its items failed and
 * were tolerated (`3 of 100`), or {@link NOT_SKIPPED}.
 */
export function renderSummary(state: ProgressState): string[] {
  const rows = [...state.stages.values()].map(summarizeStage);
  // The journal's column only where a run reused calls: other runs' tables stay as they were.
  const columns = rows.some((row) => row.reused > 0) ? COLUMNS : COLUMNS.filter((column) => column.title !== "reused");
  return [runLine(state), ...formatTable(columns, rows)];
}

function skippedCell(summary: StageSummary): string {
  if (summary.skipped !== undefined) return `yes (${summary.skipped})`;
  return summary.toleratedItems === undefined ? NOT_SKIPPED : ofItems(summary.toleratedItems, summary.items);
}

function runLine(state: ProgressState): string {
  const wall =
    state.runStartedAt === undefined || state.runEndedAt === undefined
      ? ""
      : ` in ${formatDuration(state.runEndedAt - state.runStartedAt)}`;
  const verdict = state.ok === undefined ? "stopped" : state.ok ? "done" : "failed";
  return `run ${verdict}${wall}`;
}

/**
 * `0.4 ms`, `12 ms`, `3.25 s`; {@link UNKNOWN} for `undefined`. Durations a
 * worker process measured may be whole milliseconds, so an exact zero means
 * "under 1 ms", and whole values get no decimal that would claim a precision
 * they lack.
 */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return UNKNOWN;
  if (ms === 0) return "<1 ms";
  if (ms < 0.1) return "<0.1 ms";
  if (ms < 10 && !Number.isInteger(ms)) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Whole percent; {@link UNKNOWN} for `undefined`. */
export function formatPercent(fraction: number | undefined): string {
  return fraction === undefined ? UNKNOWN : `${Math.round(fraction * 100)}%`;
}

function formatRate(perSecond: number): string {
  return perSecond >= 1000 ? String(Math.round(perSecond)) : perSecond.toFixed(1);
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function truncate(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, width - 1).join("")}…`;
}
