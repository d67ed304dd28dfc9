import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createWorker, type FlowWorker, type MethodTable, type PlanDescriptor } from "../../../stdlib/index.js";
import { MAX_DURATION_MS } from "../../../stdlib/backends/bullmq/options.js";
import { compileFile } from "../compile-files.js";
import { ExitCode, UsageError } from "../io.js";
import { loadManifestMethods } from "../methods.js";

export interface WorkerCommandOptions {
  /** `redis://host:port`; the `FLOWC_REDIS_URL` environment variable when absent. */
  readonly redis?: string;
  readonly concurrency?: number;
  /** How long a shutdown lets jobs in flight finish before handing them back, in milliseconds. */
  readonly grace?: number;
}

/** Generated runners, as `flowc build` writes them (`etl.flow.ts`) or as compiled to JavaScript. */
const RUNNER = /\.flow\.(ts|mts|js|mjs)$/;

/**
 * `flowc worker <plan> --redis <url>`: serves a plan's methods from Redis
 * until SIGTERM or SIGINT, then stops taking jobs, lets those in flight
 * finish (handing back any still running after `--grace`), and exits 0.
 * The plan is a manifest, compiled here as `flowc run` does, or a generated
 * runner, whose exported `plan` is served with the methods of the modules
 * beside it.
 */
export async function workerCommand(file: string, options: WorkerCommandOptions): Promise<number> {
  const connection = options.redis ?? process.env["FLOWC_REDIS_URL"];
  if (connection === undefined)
    throw new UsageError("no Redis to serve from: pass --redis redis://host:port or set FLOWC_REDIS_URL");
  // Checked now rather than at SIGTERM: a grace past what a timer can wait would hand every job back after 1 ms.
  if (options.grace !== undefined && options.grace > MAX_DURATION_MS)
    throw new UsageError(
      `--grace must be at most ${MAX_DURATION_MS} ms (596.5 h, the longest Node's timers wait), not ${options.grace}`,
    );
  const loaded = RUNNER.test(file) ? await fromRunner(file) : await fromManifest(file);
  if (loaded === undefined) return ExitCode.Failure;
  const { plan, modules, moduleUrls } = loaded;

  const log = (line: string): void => void process.stderr.write(`flowc worker: ${line}\n`);
  // Listened to from the start: a worker still waiting for Redis stops at once.
  const stopped = new Promise<NodeJS.Signals>((done) => {
    process.once("SIGTERM", () => done("SIGTERM"));
    process.once("SIGINT", () => done("SIGINT"));
  });
  let worker: FlowWorker;
  try {
    const started = await Promise.race([
      createWorker(plan, { connection, concurrency: options.concurrency, modules, moduleUrls, log }),
      stopped,
    ]);
    if (typeof started === "string") {
      log(`${started}: stopped before serving anything`);
      process.exit(ExitCode.Ok);
    }
    worker = started;
  } catch (error) {
    log(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
    return ExitCode.Failure;
  }
  const concurrency = options.concurrency ?? 1;
  for (const method of plan.methods) {
    const queue = worker.queues.get(method.name);
    if (queue !== undefined) {
      log(`serving ${method.name} (${method.mode}, ${concurrency} at a time) from queue ${queue}`);
    }
  }
  if (!plan.jsonSafe) {
    log(
      `plan '${plan.name}' was not built for this backend: callers refuse it until it is rebuilt with 'flowc build --backend bullmq'`,
    );
  }

  const signal = await stopped;
  log(`${signal}: finishing the jobs in flight, then stopping`);
  await worker.close({ graceMs: options.grace ?? DEFAULT_GRACE_MS });
  log("stopped");
  // A call abandoned after the grace period may still hold a timer or a socket; its job is back in the queue.
  process.exit(ExitCode.Ok);
}

const DEFAULT_GRACE_MS = 30_000;

interface Served {
  readonly plan: PlanDescriptor;
  readonly modules: MethodTable | string;
  /** Each method's module, so that calls of methods with a timeout can run on threads that import it. */
  readonly moduleUrls?: Readonly<Record<string, string>>;
}

async function fromManifest(file: string): Promise<Served | undefined> {
  // Compiled as `flowc build --backend bullmq` compiles it, so that the plan (and its hash, which names the queues) is
  // the one its callers submit to, and a manifest whose values would not survive JSON is refused here too.
  const { result, exitCode } = await compileFile(file, { backend: "bullmq" }, "text");
  if (exitCode !== ExitCode.Ok || result.plan === undefined) return undefined;
  // Methods with a timeout run on worker threads, which import them from the same modules as this process.
  const { methods, urls } = await loadManifestMethods(file, result.plan, result.modulePaths);
  return { plan: result.plan, modules: methods, moduleUrls: urls };
}

async function fromRunner(file: string): Promise<Served | undefined> {
  const path = resolve(file);
  const url = pathToFileURL(path).href;
  let module: Record<string, unknown>;
  try {
    module = /\.m?ts$/.test(path)
      ? ((await (await import("tsx/esm/api")).tsImport(url, import.meta.url)) as Record<string, unknown>)
      : ((await import(url)) as Record<string, unknown>);
  } catch (error) {
    throw new UsageError(`cannot load ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const plan = module["plan"];
  if (typeof plan !== "object" || plan === null || typeof (plan as PlanDescriptor).hash !== "string") {
    throw new UsageError(`${file} exports no plan; pass a runner written by 'flowc build' or a .flow manifest`);
  }
  return {
    plan: plan as PlanDescriptor,
    modules: pathToFileURL(`${dirname(path)}/`).href,
  };
}
