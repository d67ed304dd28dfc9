/** The text of a method's node, the same in every output format (each escapes it its own way). */
import type { PlanMethod } from "../../stdlib/plan.js";

/** Said in the label of a method that a run may skip. */
export const MAY_SKIP = "may skip";
/** The label of the run's input node. */
export const RUN_INPUT_LABEL = "run input";
/** Said in the label of a method used only as a predicate or fallback. */
export const HELPER = "helper";

/**
 * The lines of a method's label: its name, then what is set of its workers, shard size,
 * retries, timeout, `on_error` and `max_failures`, then {@link MAY_SKIP} and {@link HELPER}
 * where they apply.
 */
export function labelLines(method: PlanMethod, skippable: boolean): string[] {
  const details: string[] = [];
  if (method.mode === "parallel") {
    details.push(method.maxWorkers === null ? `×${method.minWorkers}` : `×${method.minWorkers}..${method.maxWorkers}`);
    if (method.shardSize !== null) details.push(`shards of ${method.shardSize}`);
  }
  if (method.retries > 0) details.push(`retries ${method.retries}`);
  if (method.timeoutMs !== null) details.push(`timeout ${formatDuration(method.timeoutMs)}`);
  if (method.onError !== "fail") details.push(`on_error ${method.onError}`);
  if (method.maxFailures !== null) {
    const { kind, value } = method.maxFailures;
    details.push(`max_failures ${value}${kind === "percent" ? "%" : ""}`);
  }
  if (skippable) details.push(MAY_SKIP);
  if (method.helper) details.push(HELPER);
  return details.length === 0 ? [method.name] : [method.name, details.join(" · ")];
}

function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
