import type { Runner, RunnerOptions, RunOptions } from "./api.js";

/**
 * Runs a plan once on a runner of its own and closes that runner when the run
 * settles, so nothing (threads, connections, timers) outlives the call.
 * A generated runner's `run()` does this when it is given runner options.
 */
export async function runOnce<I, O>(
  createRunner: (options: RunnerOptions) => Runner<I, O>,
  input: I,
  options: RunOptions & RunnerOptions = {},
): Promise<O> {
  // `onEvent` stays with the runner options, so that every event is delivered once.
  const { signal, trace, resume, journalId, ...runnerOptions } = options;
  const runner = createRunner(runnerOptions);
  try {
    return await runner.run(input, { signal, trace, resume, journalId });
  } finally {
    await runner.close();
  }
}

/** A generated runner's `run()` and `close()`. */
export interface SharedRunner<I, O> {
  /**
   * Runs the plan on the module's runner, created on the first call and kept for the
   * next ones. Given runner options (`workers`, `backend`, `onEvent`, …), the run
   * has a runner of its own instead, closed when it settles (see `runOnce`).
   */
  run(input: I, options?: RunOptions & RunnerOptions): Promise<O>;
  /**
   * Closes the kept runner, when there is one; a later `run()` creates another.
   * Idle worker threads do not keep a process alive, so calling this is needed only
   * to release them sooner.
   */
  close(): Promise<void>;
}

/**
 * One runner per generated module, created on first use: calling `run()` per request
 * costs what a kept runner's `run` does, not a runner's start-up (for a plan with a
 * parallel method, a thread pool) every time.
 */
export function sharedRunner<I, O>(createRunner: (options: RunnerOptions) => Runner<I, O>): SharedRunner<I, O> {
  let kept: Runner<I, O> | undefined;
  return {
    run(input, options) {
      if (options !== undefined && hasRunnerOptions(options)) return runOnce(createRunner, input, options);
      try {
        kept ??= createRunner({});
      } catch (error) {
        // A plan or method table the runtime refuses: the caller awaits its errors from the run.
        return Promise.reject(error);
      }
      return kept.run(input, options);
    },
    close() {
      const closing = kept;
      kept = undefined;
      return closing === undefined ? Promise.resolve() : closing.close();
    },
  };
}

/**
 * Whether `options` sets a runner option (anything of `RunOptions & RunnerOptions`
 * but the per-run `signal` and `trace`). Read option by option rather than by
 * enumerating the object: a generated `run()` passes a fresh `{}` on every call,
 * and enumerating even that costs a noticeable share of a short run. Keys that
 * are no option are ignored here as `createRunner` ignores them; a test holds this
 * list to `RunnerOptions`.
 */
function hasRunnerOptions(options: RunOptions & RunnerOptions): boolean {
  return (
    options.backend !== undefined ||
    options.workers !== undefined ||
    options.retryBackoff !== undefined ||
    options.moduleBase !== undefined ||
    options.modules !== undefined ||
    options.onEvent !== undefined ||
    options.store !== undefined
  );
}
