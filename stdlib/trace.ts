/**
 * Records a run's events as a Chrome Trace Event Format file, the JSON that
 * Perfetto (ui.perfetto.dev) and `chrome://tracing` open. Two processes hold
 * the tracks: "run" shows the run and its stages (one row per set of stages
 * that overlap in time), "workers" one track per worker with a slice for every
 * shard it ran, so idle workers and long items stand out at a glance. Marks
 * (instants) show retries and failures on the worker running the call, a skipped
 * method on its stage's row (the run's first row when it never started), a
 * fallback standing in for a call, and the failed items a stage tolerated.
 *
 * Timestamps come from the events' `time` (epoch milliseconds with
 * sub-millisecond precision), written in whole microseconds as the format wants.
 */
import { writeFile } from "node:fs/promises";
import type { FlowEvent, RunOptions } from "./api.js";
import { describeError, instant } from "./trace-marks.js";

/** One entry of `traceEvents`; only the fields this recorder writes. */
export interface TraceEvent {
  readonly name: string;
  /** `X` complete slice, `i` instant, `M` metadata. */
  readonly ph: "X" | "i" | "M";
  /** Microseconds since the run started. */
  readonly ts: number;
  readonly pid: number;
  readonly tid: number;
  /** Length of an `X` slice in microseconds. */
  readonly dur?: number;
  readonly cat?: string;
  /** Scope of an instant: `t` draws it on its own track only. */
  readonly s?: "t";
  readonly args?: Readonly<Record<string, unknown>>;
}

/** The JSON object form of the Chrome Trace Event Format. */
export interface TraceFile {
  readonly traceEvents: readonly TraceEvent[];
  readonly displayTimeUnit: "ms";
}

export interface TraceRecorder {
  /** Records one event; pass it as (or call it from) a run's `onEvent`. */
  readonly onEvent: (event: FlowEvent) => void;
  /**
   * The trace of everything recorded so far. Slices still open (a shard lost
   * when its run failed) are closed at the last recorded time and marked
   * `unfinished`. `JSON.stringify(recorder)` gives the file's text.
   */
  toJSON(): TraceFile;
}

/** Process of the run and stage slices. */
export const RUN_PID = 1;
/** Process of the worker tracks; a worker's track id is its number. */
export const WORKERS_PID = 2;

/**
 * Creates a recorder of one run's events (several runs also work: their
 * slices share the tracks and the first run's start is time zero).
 *
 * @example
 * const recorder = createTraceRecorder();
 * await runner.run(input, { onEvent: recorder.onEvent });
 * await writeFile("run.json", JSON.stringify(recorder));
 */
export function createTraceRecorder(): TraceRecorder {
  const events: FlowEvent[] = [];
  return {
    // Recording only keeps the event: the trace is built once, when asked for, off the run's path.
    onEvent: (event) => {
      events.push(event);
    },
    toJSON: () => buildTrace(events),
  };
}

/**
 * Runs `run` with a recorder added to `options.onEvent`, then writes the
 * trace to `path` once the run has settled, whether it succeeded or failed;
 * `RunOptions.trace` is implemented with it. The returned promise settles
 * after the file is written. When the run fails, its error is what the
 * promise rejects with, even if the file could not be written either; when
 * it succeeds but the file cannot be written, the write's error is.
 */
export async function traceRun<O>(
  path: string,
  options: RunOptions,
  run: (options: RunOptions) => Promise<O>,
): Promise<O> {
  const recorder = createTraceRecorder();
  const listener = options.onEvent;
  const onEvent =
    listener === undefined
      ? recorder.onEvent
      : (event: FlowEvent) => {
          recorder.onEvent(event);
          listener(event);
        };
  let output: O;
  try {
    output = await run({ ...options, trace: undefined, onEvent });
  } catch (error) {
    await writeFile(path, JSON.stringify(recorder)).catch(() => undefined);
    throw error;
  }
  await writeFile(path, JSON.stringify(recorder));
  return output;
}

/** A slice on the run process: a whole run, or one stage of it. */
interface Span {
  readonly kind: "run" | "stage";
  readonly runId: string;
  readonly name: string;
  readonly start: number;
  end: number | undefined;
  args: Record<string, unknown>;
  /** Row (track id on the run process) it was placed on. */
  row: number;
}

interface Shard {
  readonly method: string;
  readonly runId: string;
  readonly shard: number;
  readonly first: number;
  readonly count: number;
  readonly worker: number;
  readonly start: number;
  end: number | undefined;
  ok: boolean | undefined;
}

function buildTrace(events: readonly FlowEvent[]): TraceFile {
  // Time zero is the run's start, or an earlier worker event's, so that no time is negative.
  const origin = events.reduce((first, event) => Math.min(first, event.time), events[0]?.time ?? 0);
  const lastTime = events.reduce((last, event) => Math.max(last, event.time), origin);
  const us = (time: number): number => Math.round((time - origin) * 1000);

  const spans: Span[] = [];
  const openRuns = new Map<string, Span>();
  const openStages = new Map<string, Span>();
  const shards: Shard[] = [];
  const openShards = new Map<string, Shard>();
  const workers = new Set<number>();
  const instants: { event: FlowEvent; worker: number | undefined; stage: Span | undefined }[] = [];
  const stageKey = (runId: string, method: string) => `${runId}\u0000${method}`;
  const shardKey = (runId: string, method: string, shard: number) => `${runId}\u0000${method}\u0000${shard}`;

  /** The worker running `item` of `method` right now, if a shard holds it. */
  const workerOf = (runId: string, method: string, item: number | undefined): number | undefined => {
    if (item === undefined) {
      for (const shard of openShards.values())
        if (shard.runId === runId && shard.method === method) return shard.worker;
      return undefined;
    }
    for (const shard of openShards.values()) {
      if (shard.runId === runId && shard.method === method && item >= shard.first && item < shard.first + shard.count) {
        return shard.worker;
      }
    }
    return undefined;
  };

  for (const event of events) {
    switch (event.type) {
      case "run:start": {
        const span: Span = {
          kind: "run",
          runId: event.runId,
          name: "run",
          start: event.time,
          end: undefined,
          args: { runId: event.runId },
          row: 0,
        };
        spans.push(span);
        openRuns.set(event.runId, span);
        break;
      }
      case "run:end": {
        const span = openRuns.get(event.runId);
        if (span === undefined) break;
        span.end = event.time;
        span.args = { ...span.args, ok: event.ok, ...(event.ok ? {} : { error: describeError(event.error) }) };
        openRuns.delete(event.runId);
        break;
      }
      case "method:start": {
        const args = event.items === undefined ? {} : { items: event.items };
        const span: Span = {
          kind: "stage",
          runId: event.runId,
          name: event.method,
          start: event.time,
          end: undefined,
          args,
          row: 0,
        };
        spans.push(span);
        openStages.set(stageKey(event.runId, event.method), span);
        break;
      }
      case "method:end": {
        const key = stageKey(event.runId, event.method);
        const span = openStages.get(key);
        if (span === undefined) break;
        span.end = event.time;
        span.args = { ...span.args, ok: event.ok };
        openStages.delete(key);
        break;
      }
      case "shard:start": {
        workers.add(event.worker);
        const shard: Shard = { ...shardFields(event), start: event.time, end: undefined, ok: undefined };
        shards.push(shard);
        openShards.set(shardKey(event.runId, event.method, event.shard), shard);
        break;
      }
      case "shard:end": {
        workers.add(event.worker);
        const key = shardKey(event.runId, event.method, event.shard);
        const shard = openShards.get(key);
        if (shard === undefined) {
          // An end without its start (recording began mid-shard): a slice that ends where it is seen.
          shards.push({ ...shardFields(event), start: event.time, end: event.time, ok: event.ok });
          break;
        }
        shard.end = event.time;
        shard.ok = event.ok;
        openShards.delete(key);
        break;
      }
      case "method:skip": {
        // A call that failed and was skipped for it: the skip ends the stage in place of `method:end`.
        const key = stageKey(event.runId, event.method);
        const span = openStages.get(key);
        if (span !== undefined) {
          span.end = event.time;
          span.args = { ...span.args, ok: false, skipped: event.reason };
          openStages.delete(key);
        }
        instants.push({ event, worker: undefined, stage: span });
        break;
      }
      case "items:tolerated":
        instants.push({ event, worker: undefined, stage: openStages.get(stageKey(event.runId, event.method)) });
        break;
      case "call:retry":
      case "call:fail":
      case "call:fallback":
        instants.push({
          event,
          worker: workerOf(event.runId, event.method, event.item),
          stage: openStages.get(stageKey(event.runId, event.method)),
        });
        break;
      case "worker:up":
        workers.add(event.worker);
        instants.push({ event, worker: event.worker, stage: undefined });
        break;
      case "worker:down":
        workers.add(event.worker);
        instants.push({ event, worker: event.worker, stage: undefined });
        break;
    }
  }

  const rows = placeSpans(spans, lastTime);
  const timed: TraceEvent[] = [];
  for (const span of spans) {
    const end = span.end ?? lastTime;
    const args = span.end === undefined ? { ...span.args, unfinished: true } : span.args;
    timed.push({
      name: span.name,
      cat: span.kind,
      ph: "X",
      ts: us(span.start),
      dur: us(end) - us(span.start),
      pid: RUN_PID,
      tid: span.row,
      args,
    });
  }
  for (const shard of shards) {
    const end = shard.end ?? lastTime;
    const args = {
      shard: shard.shard,
      first: shard.first,
      items: shard.count,
      ok: shard.ok ?? false,
      ...(shard.end === undefined ? { unfinished: true } : {}),
    };
    timed.push({
      name: shard.method,
      cat: "shard",
      ph: "X",
      ts: us(shard.start),
      dur: us(end) - us(shard.start),
      pid: WORKERS_PID,
      tid: shard.worker,
      args,
    });
  }
  for (const { event, worker, stage } of instants) {
    const where = worker === undefined ? { pid: RUN_PID, tid: stage?.row ?? 0 } : { pid: WORKERS_PID, tid: worker };
    timed.push({ ...instant(event), ph: "i", s: "t", ts: us(event.time), ...where });
  }
  // Viewers draw nested slices right only when a parent precedes its children; at equal times the longer slice is the parent.
  timed.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));

  const metadata: TraceEvent[] = [
    meta("process_name", RUN_PID, 0, { name: "run" }),
    meta("process_sort_index", RUN_PID, 0, { sort_index: 0 }),
  ];
  for (let row = 0; row < Math.max(1, rows); row++) {
    metadata.push(meta("thread_name", RUN_PID, row, { name: row === 0 ? "run" : `run (${row + 1})` }));
    metadata.push(meta("thread_sort_index", RUN_PID, row, { sort_index: row }));
  }
  if (workers.size > 0) {
    metadata.push(meta("process_name", WORKERS_PID, 0, { name: "workers" }));
    metadata.push(meta("process_sort_index", WORKERS_PID, 0, { sort_index: 1 }));
  }
  for (const worker of [...workers].sort((a, b) => a - b)) {
    metadata.push(meta("thread_name", WORKERS_PID, worker, { name: `worker ${worker}` }));
    metadata.push(meta("thread_sort_index", WORKERS_PID, worker, { sort_index: worker }));
  }
  return { traceEvents: [...metadata, ...timed], displayTimeUnit: "ms" };
}

function shardFields(event: FlowEvent & { type: "shard:start" | "shard:end" }) {
  return {
    method: event.method,
    runId: event.runId,
    shard: event.shard,
    first: event.first,
    count: event.count,
    worker: event.worker,
  };
}

/**
 * Places run and stage slices on rows so that every row nests properly
 * (trace viewers mis-draw slices that overlap without nesting): a stage goes
 * inside its own run's slice on the first row where it overlaps no other
 * stage, and concurrent stages spill onto further rows. Returns the row count.
 */
function placeSpans(spans: Span[], lastTime: number): number {
  const order = [...spans].sort(
    (a, b) => a.start - b.start || (b.end ?? lastTime) - (a.end ?? lastTime) || (a.kind === "run" ? -1 : 1),
  );
  // Per row, the slices still open at the current start time, outermost first.
  const rows: Span[][] = [];
  for (const span of order) {
    const end = span.end ?? lastTime;
    let row = 0;
    for (; row < rows.length; row++) {
      const open = rows[row] as Span[];
      while (open.length > 0 && ((open[open.length - 1] as Span).end ?? lastTime) <= span.start) open.pop();
      const parent = open[open.length - 1];
      if (parent === undefined) break;
      const nests = span.kind === "stage" && parent.kind === "run" && parent.runId === span.runId;
      if (nests && (parent.end ?? lastTime) >= end) break;
    }
    if (row === rows.length) rows.push([]);
    rows[row]?.push(span);
    span.row = row;
  }
  return rows.length;
}

function meta(name: string, pid: number, tid: number, args: Record<string, unknown>): TraceEvent {
  return { name, ph: "M", ts: 0, pid, tid, args };
}
