/**
 * Which runs `clean` removes, decided once for both stores from the run
 * records (newest first): each store then deletes them its own way.
 */
import { holdIsFree } from "./hold.js";
import type { CleanOptions, RunRecord } from "./store.js";

/**
 * The ids of `runs` (newest first) that `options` removes at `now`: a run is
 * removed when it started more than `olderThanMs` ago or stands beyond the
 * `keep` most recent (counting every run of the `plan` and `manifest`,
 * removed or not), either of which suffices; neither given removes nothing. A `running` run
 * is kept: it may be going, or be resumed. With `interrupted`, one whose
 * holder is gone (see {@link holdIsFree}) is removed like any other.
 */
export function runsToClean(runs: readonly RunRecord[], options: CleanOptions, now: number): string[] {
  const { olderThanMs, keep, plan, manifest, interrupted = false } = options;
  if (olderThanMs === undefined && keep === undefined) return [];
  const removed: string[] = [];
  let rank = 0;
  for (const run of runs) {
    if (plan !== undefined && run.plan !== plan) continue;
    if (manifest !== undefined && run.manifest !== manifest) continue;
    const beyond = keep !== undefined && rank >= keep;
    rank++;
    const old = olderThanMs !== undefined && run.startedAt < now - olderThanMs;
    if (!(old || beyond)) continue;
    if (run.status === "running" && !(interrupted && holdIsFree(run, now))) continue;
    removed.push(run.id);
  }
  return removed;
}
