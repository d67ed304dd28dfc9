import { describe, expect, it } from "vitest";
import type { FlowEvent } from "../../stdlib/api.js";
import {
  formatDuration,
  formatPercent,
  renderLive,
  renderPlainEvent,
  renderSummary,
} from "../../src/cli/progress/render.js";
import {
  applyEvent,
  createProgressState,
  type PlannedStage,
  type ProgressState,
} from "../../src/cli/progress/state.js";
import {
  book,
  bookMidCount,
  failingBook,
  methodEnd,
  methodStart,
  ROUTED_STAGES,
  routedRun,
  shardEnd,
  shardStart,
} from "./synthetic-events.js";

const STAGES = [
  { name: "split", mode: "single" },
  { name: "count", mode: "parallel" },
  { name: "merge", mode: "single" },
] as const;

function fold(events: readonly FlowEvent[], stages: readonly PlannedStage[] = STAGES): ProgressState {
  const state = createProgressState(stages);
  for (const event of events) applyEvent(state, event);
  return state;
}

/** The plain lines a whole event sequence prints. */
function plainLines(events: readonly FlowEvent[], stages: readonly PlannedStage[] = STAGES): string[] {
  const state = createProgressState(stages);
  const lines: string[] = [];
  for (const event of events) {
    applyEvent(state, event);
    const line = renderPlainEvent(state, event);
    if (line !== undefined) lines.push(line);
  }
  return lines;
}

describe("live view", () => {
  it("shows a line per stage: items done of the total, rate, workers in use and retries", () => {
    // now = 1025: 15 ms into `count`; the spinner frame is a function of the time too.
    expect(renderLive(fold(book.slice(0, bookMidCount)), 1025)).toEqual([
      "✓ split  ████████████████████  1/1    100.0/s  0 workers  0 retries",
      "⠋ count  █████░░░░░░░░░░░░░░░  1/4     66.7/s  3 workers  1 retry",
      "· merge  ░░░░░░░░░░░░░░░░░░░░  0/?  waiting",
    ]);
  });

  it("shows the final counts once the run is over", () => {
    expect(renderLive(fold(book), 5000)).toEqual([
      "✓ split  ████████████████████  1/1    100.0/s  0 workers  0 retries",
      "✓ count  ████████████████████  4/4    100.0/s  0 workers  1 retry",
      "✓ merge  ████████████████████  1/1    200.0/s  0 workers  0 retries",
    ]);
  });

  it("marks a failed stage and its failures", () => {
    expect(renderLive(fold(failingBook, [{ name: "count", mode: "parallel" }]), 6)).toEqual([
      "✗ count  ██████░░░░░░░░░░░░░░  1/3    166.7/s  0 workers  0 retries  1 failure",
    ]);
  });

  it("cuts lines to the terminal's width, leaving its last column free", () => {
    const lines = renderLive(fold(book), 5000, { width: 20 });
    expect(lines).toEqual(["✓ split  █████████…", "✓ count  █████████…", "✓ merge  █████████…"]);
    for (const line of lines) expect([...line]).toHaveLength(19);
  });
});

describe("plain lines", () => {
  it("print a line when each stage starts and when it ends, with its counts", () => {
    expect(plainLines(book)).toEqual([
      "stage split started",
      "stage split done: 1/1 call in 10 ms",
      "stage count started: 4 items",
      "stage count done: 4/4 items in 40 ms, 1 retry",
      "stage merge started",
      "stage merge done: 1/1 call in 5 ms",
    ]);
  });

  it("say which stage failed, after how many items, and how many calls failed", () => {
    expect(plainLines(failingBook)).toEqual([
      "stage count started: 3 items",
      "stage count failed: 1/3 items in 6 ms, 1 failure",
    ]);
  });
});

describe("a parallel stage fed a stream", () => {
  it("has no total until it ends", () => {
    const stream = [{ name: "p", mode: "parallel" }] as const;
    const spec = { method: "p", shard: 0, worker: 0, first: 0 };
    const events = [methodStart(0, "p"), shardStart(0, spec), shardEnd(4, spec, true, [4])];
    expect(renderLive(fold(events, stream), 4)).toEqual([
      "⠋ p  ░░░░░░░░░░░░░░░░░░░░  1/?    250.0/s  0 workers  0 retries",
    ]);
    const state = createProgressState(stream);
    const lines: string[] = [];
    for (const event of [...events, methodEnd(8, "p")]) {
      applyEvent(state, event);
      const line = renderPlainEvent(state, event);
      if (line !== undefined) lines.push(line);
    }
    expect(lines).toEqual(["stage p started: items streamed", "stage p done: 1/1 items in 8 ms"]);
  });
});

describe("summary table", () => {
  it("has a row per stage with calls, p50/p95, retries, failures, workers and utilisation", () => {
    expect(renderSummary(fold(book))).toEqual([
      "run done in 55 ms",
      "stage  items  calls   wall    p50    p95  retries  failures  skipped  workers  utilisation",
      "split    1/1      1  10 ms  10 ms  10 ms        0         0        —        1         100%",
      "count    4/4      5  40 ms  20 ms  30 ms        1         0        —        3          75%",
      "merge    1/1      1   5 ms   5 ms   5 ms        0         0        —        1         100%",
    ]);
  });

  it("prints a dash for what was never measured", () => {
    expect(renderSummary(fold(failingBook))).toEqual([
      "run failed in 6 ms",
      "stage  items  calls  wall   p50   p95  retries  failures  skipped  workers  utilisation",
      "split    0/?      0     -     -     -        0         0        —        0            -",
      "count    1/3      2  6 ms  4 ms  4 ms        0         1        —        2         100%",
      "merge    0/?      0     -     -     -        0         0        —        0            -",
    ]);
  });
});

describe("skips, fallbacks and tolerated items", () => {
  /** Index just after `score`'s fallback: `check`, `parse` and `notify` skipped, `score` under way. */
  const midScore = routedRun.findIndex((e) => e.type === "call:fallback") + 1;

  it("live: a skipped stage says why instead of waiting; fallbacks and tolerated items are counted", () => {
    expect(renderLive(fold(routedRun.slice(0, midScore), ROUTED_STAGES), 10)).toEqual([
      "✓ load     ████████████████████   1/1    250.0/s  0 workers  0 retries",
      "⊘ check    ░░░░░░░░░░░░░░░░░░░░   0/?  skipped (predicate)",
      "⊘ parse    ░░░░░░░░░░░░░░░░░░░░   0/1      0.0/s  0 workers  0 retries  1 failure  skipped (error)",
      "⊘ notify   ░░░░░░░░░░░░░░░░░░░░   0/?  skipped (upstream)",
      "⠋ score    ░░░░░░░░░░░░░░░░░░░░  0/10      0.0/s  2 workers  0 retries  1 failure  fallback ×1",
      "· publish  ░░░░░░░░░░░░░░░░░░░░   0/?  waiting",
    ]);
    expect(renderLive(fold(routedRun, ROUTED_STAGES), 100).slice(4)).toEqual([
      "✓ score    ████████████████░░░░  8/10    800.0/s  0 workers  0 retries  3 failures  fallback ×1  3 of 10 tolerated",
      "✓ publish  ████████████████████   1/1    250.0/s  0 workers  0 retries  1 failure  fallback ×1",
    ]);
  });

  it("plain: a line for each skip, with the error of a failed call; fallbacks and tolerated items at the stage's end", () => {
    expect(plainLines(routedRun, ROUTED_STAGES)).toEqual([
      "stage load started",
      "stage load done: 1/1 call in 4 ms",
      "stage check skipped (predicate)",
      "stage parse started",
      "stage parse skipped (error: RangeError: bad row): 0/1 call in 2 ms, 1 failure",
      "stage notify skipped (upstream)",
      "stage score started: 10 items",
      "stage score done: 8/10 items in 10 ms, 3 failures, fallback ×1, 3 of 10 tolerated",
      "stage publish started",
      "stage publish done: 1/1 call in 4 ms, 1 failure, fallback ×1",
    ]);
  });

  it("plain: a skip names its reason for every kind of skip", () => {
    const lines = (["predicate", "branch", "upstream"] as const).map((reason) =>
      plainLines([{ type: "method:skip", runId: "r", time: 0, method: "m", reason, error: undefined }], []),
    );
    expect(lines).toEqual([
      ["stage m skipped (predicate)"],
      ["stage m skipped (branch)"],
      ["stage m skipped (upstream)"],
    ]);
  });

  it("summary: why a stage was skipped, or how many of its items; fallbacks beside the failures", () => {
    expect(renderSummary(fold(routedRun, ROUTED_STAGES))).toEqual([
      "run done in 20 ms",
      "stage    items  calls   wall   p50   p95  retries         failures          skipped  workers  utilisation",
      "load       1/1      1   4 ms  4 ms  4 ms        0                0                —        1         100%",
      "check      0/?      0      -     -     -        0                0  yes (predicate)        0            -",
      "parse      0/1      1   2 ms     -     -        0                1      yes (error)        1         100%",
      "notify     0/?      0      -     -     -        0                0   yes (upstream)        0            -",
      "score     8/10     11  10 ms  2 ms  2 ms        0  3 (fallback ×1)          3 of 10        2         100%",
      "publish    1/1      2   4 ms     -     -        0  1 (fallback ×1)                —        1          50%",
    ]);
  });
});

describe("number formats", () => {
  it("durations: whole milliseconds without decimals, finer ones with one, seconds past 1000 ms", () => {
    expect(formatDuration(undefined)).toBe("-");
    expect(formatDuration(0)).toBe("<1 ms");
    expect(formatDuration(0.42)).toBe("0.4 ms");
    expect(formatDuration(0.03)).toBe("<0.1 ms");
    expect(formatDuration(7)).toBe("7 ms");
    expect(formatDuration(12.6)).toBe("13 ms");
    expect(formatDuration(3250)).toBe("3.25 s");
  });

  it("percentages", () => {
    expect(formatPercent(undefined)).toBe("-");
    expect(formatPercent(0.754)).toBe("75%");
    expect(formatPercent(1)).toBe("100%");
  });
});
