import type { MethodSettings } from "../bind/types.js";

/** How many workers a method occupies while it runs: its `min_worker_count` when parallel, else one. */
export function minimumWorkers(settings: MethodSettings | undefined): number {
  if (settings === undefined || settings.mode !== "parallel") return 1;
  return settings.minWorkers ?? 1;
}
