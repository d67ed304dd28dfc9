/**
 * What `flowc run` knows about a run's stages (a stage is one method of the
 * plan), folded from the runtime's events. The renderers read this state and
 * nothing else, so they can be tested on synthetic event sequences without a
 * terminal.
 */
import type { FlowEvent, SkipReason } from "../../../stdlib/api.js";

/** `skipped`: the run went on without the stage (`method:skip`), before it started or after its call failed. */
export type StageStatus = "waiting" | "running" | "done" | "failed" | "skipped";

/** Why a stage was skipped, as `method:skip` said. */
export interface StageSkip {
  readonly reason: SkipReason;
  /** For `error`: the method's own error. */
  readonly error: unknown;
}

/** The failed items a parallel stage tolerated, as `items:tolerated` said. */
export interface ToleratedItems {
  /** Items whose call failed after their retries, those a fallback stood in for included. */
  readonly failed: number;
  /** Of those, the items a fallback stood in for. */
  readonly recovered: number;
  /** Items in the stage. */
  readonly items: number;
}

/** A shard a worker is running right now. */
export interface OpenShard {
  readonly worker: number;
  readonly count: number;
  readonly start: number;
}

export interface StageProgress {
  readonly name: string;
  status: StageStatus;
  /** Items of a parallel stage, 1 for a single method; `undefined` until the stage starts. */
  total: number | undefined;
  /** Whether the stage maps over items (the plan says so, or its `method:start` carried a count). */
  parallel: boolean;
  /** Items whose call succeeded. */
  done: number;
  /** Failed attempts that were retried. */
  retries: number;
  /** Calls that failed for good. */
  failures: number;
  /** Calls a `fallback` stood in for (`call:fallback`). */
  fallbacks: number;
  /** Calls answered from the run journal instead of made (`calls:reused`, a resumed run). */
  reused: number;
  /** Why the stage was skipped; `undefined` unless its status is `skipped`. */
  skip: StageSkip | undefined;
  /** Failed items the stage went on without; `undefined` when it reported none. */
  tolerated: ToleratedItems | undefined;
  /** `time` of `method:start` / `method:end`, in milliseconds. */
  startedAt: number | undefined;
  endedAt: number | undefined;
  /** Wall time of each successful call, in milliseconds, in the order they were reported. */
  readonly durations: number[];
  /** Time workers spent running this stage's shards, in milliseconds. */
  busyMs: number;
  /** Every worker that ran a shard of this stage. */
  readonly workers: Set<number>;
  /** Shards in flight, keyed by shard number. */
  readonly open: Map<number, OpenShard>;
  /** Whether the backend reported shards for this stage (otherwise counts come from the stage's end). */
  sawShards: boolean;
}

export interface ProgressState {
  /** Stages in plan order, then in the order they were first seen. */
  readonly stages: Map<string, StageProgress>;
  runStartedAt: number | undefined;
  runEndedAt: number | undefined;
  /** `undefined` while the run is going. */
  ok: boolean | undefined;
  /**
   * Predicates and fallbacks that are in no flow: their calls are made for the stages that
   * name them (counted there as `fallback ×N`), so they get no row of their own.
   */
  readonly helpers: ReadonlySet<string>;
}

/** What the state needs to know of a plan's method ahead of its events; a `PlanMethod` has it. */
export interface PlannedStage {
  readonly name: string;
  readonly mode: "single" | "parallel";
  /** A predicate or fallback only, called within the stages that name it: not listed as a stage of its own. */
  readonly helper?: boolean | undefined;
}

/**
 * A state with every stage of `stages` waiting, so that a display lists the
 * stages still to come from the start. Knowing which stages are parallel
 * also tells a parallel stage fed a stream (whose `method:start` carries no
 * item count) from a single call.
 */
export function createProgressState(stages: readonly PlannedStage[] = []): ProgressState {
  const helpers = new Set(stages.filter((planned) => planned.helper === true).map((planned) => planned.name));
  const state: ProgressState = {
    stages: new Map(),
    runStartedAt: undefined,
    runEndedAt: undefined,
    ok: undefined,
    helpers,
  };
  for (const planned of stages) {
    if (planned.helper !== true) stageOf(state, planned.name).parallel = planned.mode === "parallel";
  }
  return state;
}

/**
 * The reducer: folds one event into `state`, in place (and returns it).
 * In place because a stage keeps every call's duration for its percentiles:
 * copying them for each event would make a run of n items cost n².
 */
export function applyEvent(state: ProgressState, event: FlowEvent): ProgressState {
  if ("method" in event && state.helpers.has(event.method) && event.type !== "call:fallback") return state;
  switch (event.type) {
    case "run:start":
      state.runStartedAt ??= event.time;
      break;
    case "run:end":
      state.runEndedAt = event.time;
      state.ok = event.ok;
      break;
    case "method:start": {
      const stage = stageOf(state, event.method);
      stage.status = "running";
      if (event.items !== undefined) stage.parallel = true;
      // A parallel stage reading a stream learns its total only at the end.
      stage.total = event.items ?? (stage.parallel ? undefined : 1);
      stage.startedAt = event.time;
      break;
    }
    case "method:end": {
      const stage = stageOf(state, event.method);
      stage.status = event.ok ? "done" : "failed";
      endStage(stage, event.time);
      if (event.ok) {
        // A backend that reports no shards still finished every item; nor does a late shard report change that.
        if (!stage.sawShards && !stage.parallel && stage.retries === 0 && stage.startedAt !== undefined) {
          stage.durations.push(event.time - stage.startedAt);
        }
        // Every item succeeded, but for the failed ones the stage tolerated without a fallback.
        const tolerated = stage.tolerated;
        if (tolerated !== undefined) stage.total ??= tolerated.items;
        const lost = tolerated === undefined ? 0 : tolerated.failed - tolerated.recovered;
        stage.done = stage.total === undefined ? stage.done : Math.max(0, stage.total - lost);
        stage.total ??= stage.done;
      }
      break;
    }
    case "method:skip": {
      const stage = stageOf(state, event.method);
      stage.status = "skipped";
      stage.skip = { reason: event.reason, error: event.error };
      // Skipped after its call failed: in place of its `method:end`. Before it started: no time of its own.
      if (stage.startedAt !== undefined) endStage(stage, event.time);
      break;
    }
    case "call:fallback":
      stageOf(state, event.method).fallbacks++;
      break;
    case "calls:reused": {
      // Reused items are done: their outputs are in, without a call.
      const stage = stageOf(state, event.method);
      stage.reused += event.reused;
      stage.done = Math.min(stage.done + event.reused, stage.total ?? Infinity);
      break;
    }
    case "items:tolerated":
      stageOf(state, event.method).tolerated = {
        failed: event.failed,
        recovered: event.recovered,
        items: event.items,
      };
      break;
    case "shard:start": {
      const stage = stageOf(state, event.method);
      stage.sawShards = true;
      stage.workers.add(event.worker);
      stage.open.set(event.shard, { worker: event.worker, count: event.count, start: event.time });
      break;
    }
    case "shard:end": {
      const stage = stageOf(state, event.method);
      stage.sawShards = true;
      stage.workers.add(event.worker);
      const shard = stage.open.get(event.shard);
      stage.open.delete(event.shard);
      const wall = shard === undefined ? 0 : Math.max(0, event.time - shard.start);
      const measured = event.durations?.reduce((sum, ms) => sum + ms, 0) ?? 0;
      // The event clock ticks in whole milliseconds; the measured calls may be finer than that.
      stage.busyMs += Math.max(wall, measured);
      // A loop, not a spread: a shard may hold more items than a call may take arguments.
      if (event.durations !== undefined) for (const ms of event.durations) stage.durations.push(ms);
      else if (event.ok && event.count === 1 && shard !== undefined) stage.durations.push(wall);
      // A failed shard is retried elsewhere or ends the run: its items are counted when they succeed.
      if (event.ok && stage.status !== "done") stage.done = Math.min(stage.done + event.count, stage.total ?? Infinity);
      break;
    }
    case "call:retry":
      stageOf(state, event.method).retries++;
      break;
    case "call:fail":
      stageOf(state, event.method).failures++;
      break;
    case "worker:up":
    case "worker:down":
      break;
  }
  return state;
}

/** The stage's end: shards cut short by it kept their workers busy until now. */
function endStage(stage: StageProgress, time: number): void {
  stage.endedAt = time;
  for (const shard of stage.open.values()) stage.busyMs += Math.max(0, time - shard.start);
  stage.open.clear();
}

function stageOf(state: ProgressState, name: string): StageProgress {
  let stage = state.stages.get(name);
  if (stage === undefined) {
    stage = {
      name,
      status: "waiting",
      total: undefined,
      parallel: false,
      done: 0,
      retries: 0,
      failures: 0,
      fallbacks: 0,
      reused: 0,
      skip: undefined,
      tolerated: undefined,
      startedAt: undefined,
      endedAt: undefined,
      durations: [],
      busyMs: 0,
      workers: new Set(),
      open: new Map(),
      sawShards: false,
    };
    state.stages.set(name, stage);
  }
  return stage;
}
