/**
 * Runners on the threads backend for the `*.threads.test.ts` files: their
 * parallel methods come from test/fixtures/threads/threads.methods.ts, and
 * every runner a test makes is closed after it.
 */
import { afterEach, beforeEach } from "vitest";
import {
  createRunner,
  threads,
  type AnyMethod,
  type FlowEvent,
  type MethodTable,
  type PlanDescriptor,
  type Runner,
  type RunnerOptions,
  type ThreadsOptions,
} from "../../stdlib/index.js";
import { shared } from "../fixtures/threads/shared-state.js";

export const THREAD_MODULES: Readonly<Record<string, string>> = {
  "./test.methods": new URL("../fixtures/threads/threads.methods.ts", import.meta.url).href,
};

export type Make = <I = unknown, O = unknown>(
  plan: PlanDescriptor,
  methods: Record<string, AnyMethod>,
  options?: RunnerOptions & { threads?: ThreadsOptions },
) => Runner<I, O>;

/** Registers the hooks of a threads test file and returns its runner factory. */
export function threadRunners(): Make {
  const runners: Runner<unknown, unknown>[] = [];
  beforeEach(() => {
    shared.reset();
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.close()));
  });
  return <I, O>(
    plan: PlanDescriptor,
    methods: Record<string, AnyMethod>,
    options: RunnerOptions & { threads?: ThreadsOptions } = {},
  ): Runner<I, O> => {
    const { threads: threadOptions, ...runnerOptions } = options;
    const runner = createRunner<I, O>(plan, methods as MethodTable, {
      backend: threads(threadOptions),
      retryBackoff: { baseMs: 1, maxMs: 4 },
      modules: THREAD_MODULES,
      ...runnerOptions,
    });
    runners.push(runner as Runner<unknown, unknown>);
    return runner;
  };
}

/** Collects a run's events. */
export function recorder(): { events: FlowEvent[]; onEvent: (event: FlowEvent) => void } {
  const events: FlowEvent[] = [];
  return { events, onEvent: (event) => events.push(event) };
}

/** Resolves once `events` holds an event matching `test`, polling the event loop; rejects after `timeoutMs`. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** How many workers a run saw die (or be stopped) and replaced. */
export function crashes(events: readonly FlowEvent[]): number {
  return events.filter((event) => event.type === "worker:down" && event.reason === "crash").length;
}
