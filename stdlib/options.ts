/**
 * Runner option defaults, merged over one constant and checked once when the
 * runner is created (each option is documented where it is declared, in api.ts).
 */
import type { Backend, BackoffSettings, RunnerOptions } from "./api.js";
import { inline } from "./backends/inline.js";
import { canLocateModules } from "./modules.js";
import { threads } from "./backends/threads/index.js";
import { errors } from "./errors.js";
import { countOption, durationOption } from "./kit/options.js";
import type { PlanDescriptor } from "./plan.js";

export const DEFAULT_RUNNER_OPTIONS = {
  backend: "inline",
  retryBackoff: { baseMs: 25, maxMs: 2000 },
} as const satisfies { backend: string; retryBackoff: BackoffSettings };

/** Backends that can be named by a string in `RunnerOptions.backend`. */
const NAMED_BACKENDS: Readonly<Record<string, () => Backend>> = { inline, threads: () => threads() };

export interface ResolvedRunnerOptions {
  readonly backend: Backend;
  /** `undefined`: the plan's peak demand. */
  readonly workers: number | undefined;
  readonly retryBackoff: BackoffSettings;
  readonly moduleBase: string | undefined;
  /** `RunnerOptions.modules` with every location as a string. */
  readonly modules: Readonly<Record<string, string>> | undefined;
  readonly onEvent: RunnerOptions["onEvent"];
  readonly store: RunnerOptions["store"];
}

/** How messages name these options. */
const OWNER = "Runner";

/**
 * Applies defaults and checks bounds; throws a `PlanError` (`InvalidOption`) for a bad value.
 * With `plan`, the default backend follows the rule documented at `RunnerOptions.backend`.
 */
export function resolveRunnerOptions(options: RunnerOptions = {}, plan?: PlanDescriptor): ResolvedRunnerOptions {
  const workers = options.workers === undefined ? undefined : countOption(OWNER, "workers", options.workers, 1, 1);
  const defaults = DEFAULT_RUNNER_OPTIONS.retryBackoff;
  const baseMs = durationOption(OWNER, "retryBackoff.baseMs", options.retryBackoff?.baseMs, defaults.baseMs, 0);
  const maxMs = durationOption(
    OWNER,
    "retryBackoff.maxMs",
    options.retryBackoff?.maxMs,
    Math.max(baseMs, defaults.maxMs),
    baseMs,
    undefined,
    "baseMs",
  );
  const chosen = options.backend ?? defaultBackend(options, plan);
  let backend: Backend;
  if (typeof chosen === "string") {
    const make = Object.hasOwn(NAMED_BACKENDS, chosen) ? NAMED_BACKENDS[chosen] : undefined;
    if (make === undefined) throw errors.unknownBackend(chosen, Object.keys(NAMED_BACKENDS));
    backend = make();
  } else {
    backend = chosen;
  }
  const moduleBase = options.moduleBase === undefined ? undefined : String(options.moduleBase);
  const modules =
    options.modules === undefined
      ? undefined
      : Object.fromEntries(Object.entries(options.modules).map(([specifier, url]) => [specifier, String(url)]));
  return {
    backend,
    workers,
    retryBackoff: { baseMs, maxMs },
    moduleBase,
    modules,
    onEvent: options.onEvent,
    store: options.store,
  };
}

/**
 * Parallel methods run on worker threads unless the threads could not import
 * them: nothing tells where the plan's modules are.
 */
function defaultBackend(options: RunnerOptions, plan: PlanDescriptor | undefined): string {
  const parallel = plan?.methods.some((method) => method.mode === "parallel") === true;
  return parallel && canLocateModules(options.modules, options.moduleBase) ? "threads" : DEFAULT_RUNNER_OPTIONS.backend;
}
