/**
 * What the sections of the backend conformance suite (./conformance.ts)
 * share: the runner factory, which closes every runner a test makes, and a
 * compact view of events for order assertions.
 */
import { afterEach, beforeEach } from "vitest";
import {
  createRunner,
  type AnyMethod,
  type Backend,
  type BackendSession,
  type FlowEvent,
  type MethodTable,
  type PlanDescriptor,
  type Runner,
  type RunnerOptions,
} from "../../stdlib/index.js";
import { shared } from "../fixtures/threads/shared-state.js";

/** Where the fixture methods live, keyed by the module specifier test plans use. */
export const FIXTURE_MODULES: Readonly<Record<string, string>> = {
  "./test.methods": new URL("../fixtures/threads/conformance.methods.ts", import.meta.url).href,
  "./routing.methods": new URL("../fixtures/threads/routing.methods.ts", import.meta.url).href,
  "./journal.methods": new URL("../fixtures/threads/journal.methods.ts", import.meta.url).href,
};

/** Generous: only a backend that deadlocks gets near it. */
export const HANG = 10_000;

export type Make = <I = unknown, O = unknown>(
  plan: PlanDescriptor,
  methods: Record<string, AnyMethod>,
  options?: RunnerOptions,
) => Runner<I, O>;

/**
 * Registers the hooks of a section (shared state zeroed before each test,
 * runners closed after it) and returns its runner factory, whose runners
 * run on a backend from `makeBackend`.
 */
export function conformanceRunners(makeBackend: () => Backend): Make {
  const runners: Runner<unknown, unknown>[] = [];
  beforeEach(() => {
    shared.reset();
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.close()));
  });
  return <I, O>(plan: PlanDescriptor, methods: Record<string, AnyMethod>, options: RunnerOptions = {}) => {
    const runner = createRunner<I, O>(plan, methods as MethodTable, {
      backend: makeBackend(),
      retryBackoff: { baseMs: 1, maxMs: 4 },
      modules: FIXTURE_MODULES,
      ...options,
    });
    runners.push(runner as Runner<unknown, unknown>);
    return runner;
  };
}

/** Opens a session of the backend under test on `plan`, as a runner would, with room for two calls at once. */
export type OpenSession = (plan: PlanDescriptor, methods: Record<string, AnyMethod>) => Promise<BackendSession>;

/**
 * Like {@link conformanceRunners}, for sections that drive a backend's
 * methods themselves (what the scheduler asks of them that no runner option
 * reaches): returns what opens sessions, closed after each test.
 */
export function conformanceSessions(makeBackend: () => Backend): OpenSession {
  const sessions: BackendSession[] = [];
  beforeEach(() => {
    shared.reset();
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((session) => session.close()));
  });
  return async (plan, methods) => {
    const session = await makeBackend().open(plan, methods as MethodTable, {
      workers: 2,
      retryBackoff: { baseMs: 1, maxMs: 4 },
      moduleBase: undefined,
      modules: FIXTURE_MODULES,
    });
    sessions.push(session);
    return session;
  };
}

/** A compact view of an event for order assertions. */
export function brief(event: FlowEvent): string {
  switch (event.type) {
    case "run:start":
      return "run:start";
    case "run:end":
      return `run:end ${event.ok ? "ok" : "failed"}`;
    case "method:start":
      return `method:start ${event.method}${event.items === undefined ? "" : ` [${event.items}]`}`;
    case "method:end":
      return `method:end ${event.method} ${event.ok ? "ok" : "failed"}`;
    case "call:retry":
      return `call:retry ${event.method}${event.item === undefined ? "" : `#${event.item}`} attempt ${event.attempt}`;
    case "call:fail":
      return `call:fail ${event.method}${event.item === undefined ? "" : `#${event.item}`} after ${event.attempts}`;
    default:
      return event.type;
  }
}
