import type { Runner, RunnerOptions, RunOptions } from "./api.js";

/**
 * Runs a plan once on a runner of its own and closes that runner when the run
 * settles, so nothing (threads, connections, timers) outlives the call.
 * Generated runners' `run()` is this, which keeps the split between per-run
 * and per-runner options in one place as either grows.
 */
export async function runOnce<I, O>(
  createRunner: (options: RunnerOptions) => Runner<I, O>,
  input: I,
  options: RunOptions & RunnerOptions = {},
): Promise<O> {
  // `onEvent` stays with the runner options, so that every event is delivered once.
  const { signal, trace, ...runnerOptions } = options;
  const runner = createRunner(runnerOptions);
  try {
    return await runner.run(input, { signal, trace });
  } finally {
    await runner.close();
  }
}
