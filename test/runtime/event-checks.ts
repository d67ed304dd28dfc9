/**
 * What a run's stream of shard and worker events must satisfy whatever the
 * backend (see `FlowEvent` in stdlib/api.ts). Returns the problems found, so
 * that a test shows all of them at once.
 */
import type { FlowEvent } from "../../stdlib/index.js";

type Of<T extends FlowEvent["type"]> = Extract<FlowEvent, { type: T }>;

export interface ShardCheck {
  /** Items of each parallel method, which its successful shards must cover exactly once. */
  readonly items?: Readonly<Record<string, number>>;
  /** Whether the run succeeded (then every shard started must have ended). */
  readonly ok: boolean;
}

export function shardEventProblems(events: readonly FlowEvent[], check: ShardCheck): string[] {
  const problems: string[] = [];
  const announced = new Set<number>();
  const running = new Set<string>();
  const open = new Map<string, Of<"shard:start">>();
  const covered = new Map<string, number[]>();
  const key = (event: { method: string; shard: number }): string => `${event.method}#${event.shard}`;
  for (const event of events) {
    switch (event.type) {
      case "method:start":
        running.add(event.method);
        break;
      case "method:end":
        running.delete(event.method);
        for (const shard of open.values()) {
          if (shard.method === event.method && event.ok) problems.push(`${key(shard)} still open at method:end`);
        }
        break;
      case "worker:up":
        if (announced.has(event.worker)) problems.push(`worker ${event.worker} announced twice`);
        announced.add(event.worker);
        if (event.backend === "") problems.push(`worker ${event.worker} has no backend`);
        break;
      case "worker:down":
        if (!announced.delete(event.worker)) problems.push(`worker ${event.worker} down without being up`);
        break;
      case "shard:start":
        if (!running.has(event.method)) problems.push(`${key(event)} starts outside its method`);
        if (!announced.has(event.worker)) problems.push(`${key(event)} runs on unannounced worker ${event.worker}`);
        if (open.has(key(event))) problems.push(`${key(event)} started twice`);
        if (!(event.count >= 1)) problems.push(`${key(event)} has ${event.count} items`);
        open.set(key(event), event);
        break;
      case "shard:end": {
        const start = open.get(key(event));
        open.delete(key(event));
        if (start === undefined) {
          problems.push(`${key(event)} ends without a start`);
          break;
        }
        if (start.first !== event.first || start.count !== event.count || start.worker !== event.worker) {
          problems.push(`${key(event)} ends with other items or worker than it started with`);
        }
        if (!running.has(event.method)) problems.push(`${key(event)} ends outside its method`);
        if (event.ok) {
          const durations = event.durations;
          if (durations !== undefined && (durations.length !== event.count || durations.some((ms) => !(ms >= 0)))) {
            problems.push(`${key(event)} has durations ${JSON.stringify(durations)} for ${event.count} items`);
          }
          const items = covered.get(event.method) ?? [];
          for (let i = event.first; i < event.first + event.count; i++) items.push(i);
          covered.set(event.method, items);
        }
        break;
      }
      default:
        break;
    }
  }
  if (check.ok) for (const shard of open.values()) problems.push(`${key(shard)} never ended`);
  for (const [method, count] of Object.entries(check.items ?? {})) {
    const items = (covered.get(method) ?? []).sort((a, b) => a - b);
    const expected = Array.from({ length: count }, (_, i) => i);
    if (JSON.stringify(items) !== JSON.stringify(expected)) {
      problems.push(`successful shards of '${method}' cover [${items.join(",")}], not 0…${count - 1} once each`);
    }
  }
  return problems;
}

/** The events a conformance test compares in order: those every backend emits the same way. */
export function callEvents(events: readonly FlowEvent[]): FlowEvent[] {
  return events.filter((event) => !event.type.startsWith("shard:") && !event.type.startsWith("worker:"));
}
