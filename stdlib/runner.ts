/**
 * `createRunner`: checks a plan against its methods and options once, then
 * hands each run to the compiled scheduler. The backend is opened on the
 * first run, so creating a runner never starts threads or connections.
 */
import { randomUUID } from "node:crypto";
import type { BackendSession, MethodTable, Runner, RunnerOptions, RunOptions } from "./api.js";
import { errors, type FlowError } from "./errors.js";
import { resolveRunnerOptions } from "./options.js";
import type { PlanDescriptor } from "./plan.js";
import { compilePlan, instantiate, workerCapError, type Execute } from "./scheduler.js";
import { traceRun } from "./trace.js";
import { validateMethods, validatePlan } from "./validate-plan.js";
import { Journal } from "./journal/journal.js";

/**
 * Creates a runner for `plan`, whose methods `methods` provides by manifest name.
 *
 * Throws a `PlanError` at once when the plan is inconsistent, a method is
 * missing or an option is out of bounds. A plan that needs more workers at
 * once than `options.workers` is refused by each `run`, which rejects before
 * calling anything.
 *
 * @example
 * const runner = createRunner<string[], Report>(plan, { extract, transform, load }, { workers: 8 });
 * const report = await runner.run(["a.csv", "b.csv"]);
 */
export function createRunner<I, O>(plan: PlanDescriptor, methods: MethodTable, options?: RunnerOptions): Runner<I, O> {
  validatePlan(plan);
  validateMethods(plan, methods);
  const settings = resolveRunnerOptions(options, plan);
  const program = compilePlan(plan);
  const peak = program.peak.workers;
  const workers = settings.workers ?? Math.max(1, peak, settings.backend.defaultWorkers?.(peak) ?? 0);
  // Checked now, reported by every run: the run is where the caller awaits its errors.
  const refusal = workerCapError(program, workers) === undefined ? undefined : () => workerCapError(program, workers);
  const runIdPrefix = `${plan.name}:${randomUUID()}:`;
  const journal = settings.store === undefined ? undefined : new Journal(settings.store, plan);

  let execute: Execute | undefined;
  let opening: Promise<Execute> | undefined;
  let session: BackendSession | undefined;
  let closing: Promise<void> | undefined;

  const open = (): Promise<Execute> =>
    (opening ??= (async () => {
      try {
        const opened = await settings.backend.open(plan, methods, {
          workers,
          workersGiven: settings.workers,
          retryBackoff: settings.retryBackoff,
          moduleBase: settings.moduleBase,
          modules: settings.modules,
        });
        session = opened;
        if (closing !== undefined) throw closedError(plan);
        const backendMethods = plan.methods.map((method) => opened.method(method));
        const bound = journal === undefined ? backendMethods : journal.bind(backendMethods);
        execute = instantiate(program, bound, { workers, onEvent: settings.onEvent, runIdPrefix, journal });
        return execute;
      } catch (error) {
        // A failed open (e.g. a worker that could not start) is retried by the next run.
        if (closing === undefined) opening = undefined;
        throw error;
      }
    })());

  // Out of `run`, so that `run` captures none of its arguments: a function whose arguments a
  // closure captures allocates a context on every call, whichever branch it takes.
  const traced = (input: I, runOptions: RunOptions, trace: string): Promise<O> =>
    traceRun(trace, runOptions, (options) => runner.run(input, options));
  const opened = (input: I, runOptions: RunOptions | undefined): Promise<O> =>
    open().then((ready) => ready(input, runOptions) as Promise<O>);

  const runner: Runner<I, O> = {
    plan,
    run(input: I, runOptions?: RunOptions): Promise<O> {
      // Tracing wraps the run from outside, so untraced runs pay one property read for it.
      const trace = runOptions?.trace;
      if (trace !== undefined) return traced(input, runOptions ?? {}, trace);
      if (closing !== undefined) return Promise.reject(closedError(plan));
      if (refusal !== undefined) return Promise.reject(refusal());
      if (execute !== undefined) return execute(input, runOptions) as Promise<O>;
      return opened(input, runOptions);
    },
    close(): Promise<void> {
      closing ??= (async () => {
        if (opening !== undefined) await opening.catch(() => undefined);
        execute = undefined;
        await session?.close();
      })();
      return closing;
    },
  };
  return runner;
}

function closedError(plan: PlanDescriptor): FlowError {
  return errors.runnerClosed(plan.name);
}
