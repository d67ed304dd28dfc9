import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createProgressDisplay,
  progressMode,
  REDRAW_INTERVAL_MS,
  type ProgressMode,
} from "../../src/cli/progress/display.js";
import { book, bookMidCount, ROUTED_STAGES, routedRun } from "./synthetic-events.js";

/** A stream that keeps each write apart, so frames can be counted. */
function recordingStream(columns?: number) {
  const writes: string[] = [];
  return { writes, columns, write: (text: string) => writes.push(text) };
}

/** The stage lines of a live frame, without the terminal's control sequences. */
function frameLines(frame: string): string[] {
  // eslint-disable-next-line no-control-regex
  return frame
    .replace(/\r|\x1b\[\d*[AKJ]/g, "")
    .split("\n")
    .filter((line) => line !== "");
}

const STAGES = [
  { name: "split", mode: "single" },
  { name: "count", mode: "parallel" },
  { name: "merge", mode: "single" },
] as const;
const display = (mode: ProgressMode, stream = recordingStream()) => ({
  stream,
  display: createProgressDisplay(stream, mode, STAGES, () => 5000),
});

describe("choosing the mode", () => {
  it("is quiet when asked, live on a terminal, plain elsewhere or on a dumb terminal", () => {
    expect(progressMode({ isTTY: true }, true, {})).toBe("quiet");
    expect(progressMode({ isTTY: true }, false, { TERM: "xterm-256color" })).toBe("live");
    expect(progressMode({ isTTY: true }, false, { TERM: "dumb" })).toBe("plain");
    expect(progressMode({ isTTY: false }, false, {})).toBe("plain");
    expect(progressMode({}, false, {})).toBe("plain");
  });
});

describe("plain mode", () => {
  it("writes a line per stage start and end as the events come, then the summary", () => {
    const { stream, display: shown } = display("plain");
    for (const event of book) shown.onEvent(event);
    shown.stop();
    expect(stream.writes).toEqual([
      "stage split started\n",
      "stage split done: 1/1 call in 10 ms\n",
      "stage count started: 4 items\n",
      "stage count done: 4/4 items in 40 ms, 1 retry\n",
      "stage merge started\n",
      "stage merge done: 1/1 call in 5 ms\n",
    ]);
    shown.printSummary();
    expect(stream.writes.at(-1)).toMatch(/^run done in 55 ms\nstage {2}items.*\nsplit .*\ncount .*\nmerge .*\n$/);
  });
});

describe("a run that skips and falls back", () => {
  it("plain: writes the same lines and summary every time, helpers never listed", () => {
    const writes = [0, 1].map(() => {
      const stream = recordingStream();
      const shown = createProgressDisplay(stream, "plain", ROUTED_STAGES, () => 5000);
      for (const event of routedRun) shown.onEvent(event);
      shown.stop();
      shown.printSummary();
      return stream.writes;
    });
    expect(writes[0]).toEqual(writes[1]);
    const summary = writes[0]?.at(-1);
    expect(writes[0]).toContain("stage notify skipped (upstream)\n");
    expect(summary).toMatch(/\nnotify .* yes \(upstream\) .*\nscore .* 3 \(fallback ×1\) +3 of 10 .*\n/);
    expect(summary).not.toMatch(/rescue|backup/);
  });

  it("live: draws skipped stages as such in the final frame", () => {
    vi.useFakeTimers();
    try {
      const stream = recordingStream();
      const shown = createProgressDisplay(stream, "live", ROUTED_STAGES, () => 5000);
      for (const event of routedRun) shown.onEvent(event);
      shown.stop();
      const last = frameLines(stream.writes.at(-1) ?? "");
      expect(last.map((line) => line.slice(0, 10))).toEqual([
        "✓ load    ",
        "⊘ check   ",
        "⊘ parse   ",
        "⊘ notify  ",
        "✓ score   ",
        "✓ publish ",
      ]);
      expect(last[1]).toMatch(/ skipped \(predicate\)$/);
      expect(last[2]).toMatch(/ 1 failure {2}skipped \(error\)$/);
      expect(last[4]).toMatch(/ fallback ×1 {2}3 of 10 tolerated$/);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("quiet mode", () => {
  it("writes nothing at all, summary included", () => {
    const { stream, display: shown } = display("quiet");
    for (const event of book) shown.onEvent(event);
    shown.stop();
    shown.printSummary();
    expect(stream.writes).toEqual([]);
    // The state is still kept, for whoever asks.
    expect(shown.state.stages.get("count")?.done).toBe(4);
  });
});

describe("live mode", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("draws at the first event, then at most once per interval however many events arrive", () => {
    const { stream, display: shown } = display("live");
    for (const event of book.slice(0, bookMidCount)) shown.onEvent(event);
    expect(stream.writes).toHaveLength(1);
    vi.advanceTimersByTime(REDRAW_INTERVAL_MS - 1);
    expect(stream.writes).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(stream.writes).toHaveLength(2);
    // Every frame after the first moves back over the three lines of the previous one.
    expect(stream.writes[1]?.startsWith("\r\x1b[3A")).toBe(true);
    expect(frameLines(stream.writes[1] ?? "")).toHaveLength(3);
    shown.stop();
  });

  it("draws the final counts when stopped, and nothing after", () => {
    const { stream, display: shown } = display("live");
    for (const event of book) shown.onEvent(event);
    shown.stop();
    const last = stream.writes.at(-1) ?? "";
    expect(frameLines(last)).toEqual([
      "✓ split  ████████████████████  1/1    100.0/s  0 workers  0 retries",
      "✓ count  ████████████████████  4/4    100.0/s  0 workers  1 retry",
      "✓ merge  ████████████████████  1/1    200.0/s  0 workers  0 retries",
    ]);
    const frames = stream.writes.length;
    shown.stop();
    vi.advanceTimersByTime(10 * REDRAW_INTERVAL_MS);
    shown.onEvent(book[0]!);
    expect(stream.writes).toHaveLength(frames);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("cuts lines to the stream's width", () => {
    const { stream, display: shown } = display("live", recordingStream(12));
    shown.onEvent(book[0]!);
    shown.stop();
    for (const line of frameLines(stream.writes.at(-1) ?? "")) expect([...line].length).toBeLessThanOrEqual(11);
  });
});
