/**
 * What the sections of the backend conformance suite (./conformance.ts)
 * share: the runner factory, which closes every runner a test makes, and a
 * compact view of events for order assertions.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import {
  createRunner,
  type AnyMethod,
  type Backend,
  type BackendMethod,
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

/** Opening a backend (a pool of threads, workers on Redis) on a loaded machine: well beyond a test's own time. */
const OPENING = 60_000;

/**
 * For sections that drive a backend's methods themselves (what the scheduler
 * asks of them that no runner option reaches): opens one session of the
 * backend on `plan` for the whole section, as a runner would with room for
 * two calls at once, and closes it after; shared state is zeroed before each
 * test. Returns the bound method of each of the plan's methods, by name.
 */
export function conformanceSession(
  makeBackend: () => Backend,
  plan: PlanDescriptor,
  methods: Record<string, AnyMethod>,
): (name: string) => BackendMethod {
  let session: BackendSession | undefined;
  const bound = new Map<string, BackendMethod>();
  beforeAll(async () => {
    session = await makeBackend().open(plan, methods as MethodTable, {
      workers: 2,
      retryBackoff: { baseMs: 1, maxMs: 4 },
      moduleBase: undefined,
      modules: FIXTURE_MODULES,
    });
    for (const method of plan.methods) bound.set(method.name, session.method(method));
  }, OPENING);
  afterAll(async () => {
    await session?.close();
  });
  beforeEach(() => {
    shared.reset();
  });
  return (name) => {
    const method = bound.get(name);
    if (method === undefined) throw new Error(`the section's plan has no method '${name}' (or it did not open)`);
    return method;
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
