/**
 * Writes the run display to a stream (stderr): the live view on a terminal,
 * plain lines elsewhere, nothing when quiet. The text comes from render.ts;
 * this module only decides when to write it.
 */
import type { FlowEvent } from "../../../stdlib/api.js";
import { renderLive, renderPlainEvent, renderSummary } from "./render.js";
import { applyEvent, createProgressState, type PlannedStage, type ProgressState } from "./state.js";

/** `live`: redrawn in place (a terminal); `plain`: a line per stage start and end; `quiet`: nothing. */
export type ProgressMode = "live" | "plain" | "quiet";

/** What the display needs of a stream; `process.stderr` has it. */
export interface DisplayStream {
  write(text: string): unknown;
  /** Terminal width, when the stream is a terminal. */
  readonly columns?: number | undefined;
}

export interface ProgressDisplay {
  /** Pass as the run's `onEvent`. */
  readonly onEvent: (event: FlowEvent) => void;
  readonly state: ProgressState;
  /** Stops redrawing and draws the live view a last time, with the final counts. Idempotent. */
  stop(): void;
  /** Prints the per-stage summary table (not in `quiet` mode). */
  printSummary(): void;
}

/** At most ten frames a second: faster is not readable and costs the run time. */
export const REDRAW_INTERVAL_MS = 100;

/** Chooses the mode for a stream: quiet when asked, live on a capable terminal, plain otherwise. */
export function progressMode(stream: { readonly isTTY?: boolean }, quiet: boolean, env = process.env): ProgressMode {
  if (quiet) return "quiet";
  return stream.isTTY === true && env.TERM !== "dumb" ? "live" : "plain";
}

/**
 * @param stages the plan's methods, listed as waiting until they start
 * @param clock the time rates are measured against (`Date.now`, like the events' `time`)
 */
export function createProgressDisplay(
  stream: DisplayStream,
  mode: ProgressMode,
  stages: readonly PlannedStage[],
  clock: () => number = Date.now,
): ProgressDisplay {
  const state = createProgressState(stages);
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const draw = (): void => {
    const lines = renderLive(state, clock(), { width: stream.columns });
    // One write per frame, cursor moved back over the previous frame and each line cleared to its end, so nothing flickers.
    const up = drawn > 0 ? `\r\x1b[${drawn}A` : "";
    stream.write(`${up}${lines.map((line) => `${line}\x1b[K\n`).join("")}\x1b[J`);
    drawn = lines.length;
  };

  const onEvent = (event: FlowEvent): void => {
    applyEvent(state, event);
    if (stopped) return;
    if (mode === "plain") {
      const line = renderPlainEvent(state, event);
      if (line !== undefined) stream.write(`${line}\n`);
    } else if (mode === "live" && timer === undefined) {
      draw();
      // Rates change while nothing happens, so the view is redrawn on a clock rather than per event.
      timer = setInterval(draw, REDRAW_INTERVAL_MS);
      timer.unref();
    }
  };

  return {
    onEvent,
    state,
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer !== undefined) clearInterval(timer);
      if (mode === "live") draw();
    },
    printSummary() {
      if (mode === "quiet") return;
      stream.write(`${renderSummary(state).join("\n")}\n`);
    },
  };
}
