/**
 * A runner's session on the `threads` backend: single methods run in the
 * calling thread, parallel methods on the pool. Loaded only when a runner
 * opens the backend, so that importing the runtime does not load piscina.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type {
  BackoffSettings,
  BackendMethod,
  BackendOpenOptions,
  BackendSession,
  CallInfo,
  CallScope,
  ItemStream,
  MapOptions,
  MethodTable,
} from "../../api.js";
import { peakDemand, type PeakDemand } from "../../demand.js";
import { describe, errors } from "../../errors.js";
import type { PlanDescriptor, PlanMethod } from "../../plan.js";
import { InlineSession } from "../inline.js";
import { CallPolicy } from "../../policy.js";
import type { WorkerStartup } from "./messages.js";
import { resolveModuleUrls } from "../../modules.js";
import { Pool, progressBuffers } from "./pool.js";
import { runStage, type StageSettings } from "./pool-stage.js";
import { ShardSizer } from "./shard-size.js";
import { threadModuleUrls } from "./compiled-methods.js";
import { threadExecArgv } from "./thread-exec-argv.js";
import { checkThreadBound, threadBound } from "./thread-bound.js";
import { decode } from "./transport.js";
import type { ThreadsSettings } from "./threads-options.js";

export async function openThreadsSession(
  plan: PlanDescriptor,
  methods: MethodTable,
  options: BackendOpenOptions,
  settings: ThreadsSettings,
): Promise<BackendSession> {
  // Single methods stay in this thread: their inputs and outputs (often whole data sets) are never
  // copied, and they behave exactly as with `inline`. Only parallel methods are worth a thread.
  const inline = new InlineSession(plan, methods, options, "threads");
  const parallel = plan.methods.filter((method) => method.mode === "parallel");
  if (parallel.length === 0) return new ThreadsSession(plan, inline, undefined, settings, options);

  // Before anything starts: a plan that needs more threads than the machine can give is refused, not run.
  const demand = poolDemand(plan);
  checkThreadBound(plan, demand, threadBound(settings.maxThreads, options.workersGiven));
  const urls = await resolveModuleUrls(parallel, options.modules, options.moduleBase);
  const loadFrom = await threadModuleUrls(urls.values());
  const minThreads = Math.max(1, demand.workers);
  const maxThreads = Math.max(minThreads, settings.maxThreads ?? Math.max(availableParallelism(), options.workers));
  const startup: WorkerStartup = {
    channel: `flowc:${plan.name}:${randomUUID()}`,
    methods: parallel.map((method) => {
      const url = urls.get(method.name) ?? "";
      return { method, url, load: loadFrom.get(url) ?? url };
    }),
    backoff: options.retryBackoff,
    ...progressBuffers(),
  };
  const pool = new Pool({
    entry: workerEntry(),
    minThreads,
    maxThreads,
    idleTimeoutMs: settings.idleTimeoutMs,
    resourceLimits: settings.resourceLimits,
    execArgv: settings.execArgv ?? threadExecArgv(startup.methods.map((method) => method.load)),
    startup,
  });
  try {
    await checkMethodsLoad(plan, pool);
    await pool.whenLoaded();
  } catch (error) {
    await pool.close();
    throw error;
  }
  return new ThreadsSession(plan, inline, pool, settings, options);
}

/**
 * Threads the plan needs at once: the largest total of `min_worker_count`
 * over parallel methods that can run at the same time (single methods run in
 * this thread and need none).
 */
function poolDemand(plan: PlanDescriptor): PeakDemand {
  return peakDemand(plan, (method) => (method.mode === "parallel" ? method.minWorkers : 0));
}

/** Fails the opening now, naming the methods, rather than every shard later. */
async function checkMethodsLoad(plan: PlanDescriptor, pool: Pool): Promise<void> {
  let failures;
  try {
    ({ failures } = await pool.probe());
  } catch (error) {
    throw errors.threadDiedLoading(plan.name, error);
  }
  if (failures.length === 0) return;
  const details = failures.map(
    (failure) => `'${failure.method}' from ${failure.url} (${describe(decode(failure.error))})`,
  );
  throw errors.threadsCannotLoad(
    details,
    failures.map((failure) => failure.method),
  );
}

/**
 * The worker entry: the built `worker.js` beside this module, or, when the
 * runtime runs from its TypeScript sources, the module that loads
 * `worker.ts` through tsx.
 */
function workerEntry(): string {
  const built = new URL("./worker.js", import.meta.url);
  if (existsSync(fileURLToPath(built))) return built.href;
  const source = new URL("./worker-source.mjs", import.meta.url);
  if (existsSync(fileURLToPath(source))) return source.href;
  // Can't happen in an installed package (both files ship): a broken installation, not an error of the run.
  throw new Error(`The threads backend's worker entry is missing: ${fileURLToPath(built)}`);
}

class ThreadsSession implements BackendSession {
  readonly #plan: PlanDescriptor;
  readonly #inline: InlineSession;
  readonly #pool: Pool | undefined;
  readonly #settings: ThreadsSettings;
  readonly #retryBackoff: BackoffSettings;

  constructor(
    plan: PlanDescriptor,
    inline: InlineSession,
    pool: Pool | undefined,
    settings: ThreadsSettings,
    options: BackendOpenOptions,
  ) {
    this.#plan = plan;
    this.#inline = inline;
    this.#pool = pool;
    this.#settings = settings;
    this.#retryBackoff = options.retryBackoff;
  }

  method(method: PlanMethod): BackendMethod {
    const pool = this.#pool;
    if (method.mode !== "parallel" || pool === undefined) return this.#inline.method(method);
    // Workers number the parallel methods in plan order (see `WorkerStartup.methods`).
    const methodIndex = this.#plan.methods
      .filter((m) => m.mode === "parallel")
      .findIndex((m) => m.name === method.name);
    return new PoolMethod({
      pool,
      planName: this.#plan.name,
      method: method.name,
      methodIndex,
      minWorkers: method.minWorkers,
      sizer: new ShardSizer(method.shardSize ?? null),
      maxCrashes: this.#settings.maxCrashes,
      graceMs: this.#settings.cancelGraceMs,
      policy: new CallPolicy(method, this.#retryBackoff),
    });
  }

  async close(): Promise<void> {
    await this.#pool?.close();
  }
}

/** A parallel method whose calls run on the pool. */
class PoolMethod implements BackendMethod {
  readonly #settings: StageSettings;

  constructor(settings: StageSettings) {
    this.#settings = settings;
  }

  /** The scheduler maps parallel methods; a lone call (a predicate's, a fallback's) is a stage of one item. */
  call(input: unknown, scope: CallScope, info?: CallInfo): Promise<unknown> {
    return runStage(this.#settings, [input], 1, scope, undefined, info).then((outputs) => outputs[0]);
  }

  map(items: readonly unknown[], lanes: number, scope: CallScope, options?: MapOptions): Promise<unknown[]> {
    return runStage(this.#settings, items, lanes, scope, options);
  }

  mapStream(items: ItemStream, lanes: number, scope: CallScope, options?: MapOptions): Promise<unknown[]> {
    return runStage(this.#settings, items, lanes, scope, options);
  }
}
