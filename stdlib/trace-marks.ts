/**
 * The marks (instant events) of a trace (trace.ts): the name, category and arguments of
 * each event that is no slice.
 */
import type { FlowEvent } from "./api.js";

/** A mark's name, category (`cat`) and arguments. */
export interface Mark {
  readonly name: string;
  readonly cat: string;
  readonly args: Readonly<Record<string, unknown>>;
}

export function instant(event: FlowEvent): Mark {
  switch (event.type) {
    case "call:retry":
      return {
        name: `retry ${event.method}`,
        cat: "retry",
        args: { item: event.item, attempt: event.attempt, delayMs: event.delayMs, error: describeError(event.error) },
      };
    case "call:fail":
      return {
        name: `fail ${event.method}`,
        cat: "fail",
        args: { item: event.item, attempts: event.attempts, error: describeError(event.error) },
      };
    case "method:skip":
      return {
        name: `skip ${event.method} (${event.reason})`,
        cat: "skip",
        args: { reason: event.reason, ...(event.error === undefined ? {} : { error: describeError(event.error) }) },
      };
    case "call:fallback":
      return {
        name: `fallback ${event.method} → ${event.fallback}`,
        cat: "fallback",
        args: { fallback: event.fallback, item: event.item, error: describeError(event.error) },
      };
    case "items:tolerated":
      return {
        name: `tolerated ${event.method}`,
        cat: "tolerated",
        args: { failed: event.failed, recovered: event.recovered, items: event.items, indices: event.indices },
      };
    case "worker:up":
      return { name: "worker up", cat: "worker", args: { backend: event.backend } };
    case "worker:down":
      return { name: `worker down (${event.reason})`, cat: "worker", args: { reason: event.reason } };
    default:
      return { name: event.type, cat: "event", args: {} };
  }
}

/** `RangeError: bad row`: an error as a trace's arguments hold it. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
