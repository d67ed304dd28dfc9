/**
 * Figures derived from a stage's progress: rates, percentiles, utilisation.
 * Each is `undefined` when the events do not determine it (no calls timed,
 * no time elapsed), so that displays print a dash rather than a made-up zero.
 */
import type { SkipReason } from "../../../stdlib/api.js";
import type { StageProgress, StageStatus } from "./state.js";

export interface StageSummary {
  readonly name: string;
  readonly status: StageStatus;
  /** Items of a parallel stage, 1 for a single method; `undefined` if it never started. */
  readonly items: number | undefined;
  readonly done: number;
  /** Attempts made: successful calls, retried attempts and calls that failed for good (calls reused are none). */
  readonly calls: number;
  /** From the stage's start to its end, in milliseconds. */
  readonly wallMs: number | undefined;
  readonly p50Ms: number | undefined;
  readonly p95Ms: number | undefined;
  readonly retries: number;
  readonly failures: number;
  /** Calls a fallback stood in for. */
  readonly fallbacks: number;
  /** Calls answered from the run journal. */
  readonly reused: number;
  /** Why the stage was skipped as a whole; `undefined` when it was not. */
  readonly skipped: SkipReason | undefined;
  /**
   * A parallel stage's failed items that it went on without (skipped, settled, or recovered by a
   * fallback), of {@link items}; `undefined` when it reported none.
   */
  readonly toleratedItems: number | undefined;
  /** Distinct workers that ran the stage's shards. */
  readonly workers: number;
  /** Busy time / (workers × wall time), between 0 and 1. */
  readonly utilisation: number | undefined;
}

/**
 * The `p`-th percentile (0 < p ≤ 100) by the nearest-rank method: the
 * smallest value that at least p% of the values do not exceed. It is always
 * one of the values measured, never an interpolation between two.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** Items finished per second since the stage started (until it ended, or `now`). */
export function itemsPerSecond(stage: StageProgress, now: number): number | undefined {
  if (stage.startedAt === undefined) return undefined;
  const elapsed = (stage.endedAt ?? now) - stage.startedAt;
  return elapsed > 0 ? (stage.done * 1000) / elapsed : undefined;
}

/** Workers running one of the stage's shards right now. */
export function workersInUse(stage: StageProgress): number {
  const busy = new Set<number>();
  for (const shard of stage.open.values()) busy.add(shard.worker);
  return busy.size;
}

/** Stage wall time in milliseconds, up to `now` while it runs. */
export function wallTime(stage: StageProgress, now?: number): number | undefined {
  if (stage.startedAt === undefined) return undefined;
  const end = stage.endedAt ?? now;
  return end === undefined ? undefined : end - stage.startedAt;
}

export function summarizeStage(stage: StageProgress): StageSummary {
  const wallMs = wallTime(stage);
  const workers = stage.workers.size;
  const capacity = wallMs === undefined ? 0 : workers * wallMs;
  return {
    name: stage.name,
    status: stage.status,
    items: stage.total,
    done: stage.done,
    calls: Math.max(0, stage.done - stage.reused) + stage.retries + stage.failures,
    wallMs,
    p50Ms: percentile(stage.durations, 50),
    p95Ms: percentile(stage.durations, 95),
    retries: stage.retries,
    failures: stage.failures,
    fallbacks: stage.fallbacks,
    reused: stage.reused,
    skipped: stage.skip?.reason,
    toleratedItems: stage.tolerated?.failed,
    workers,
    // Busy time is measured finer than the whole-millisecond wall clock, so it may exceed it by a little.
    utilisation: capacity > 0 ? Math.min(1, stage.busyMs / capacity) : undefined,
  };
}
