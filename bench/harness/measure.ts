/**
 * Runs a workload: for each case, prepares every contender, checks every
 * output (warm-up runs included), and times the rounds (what a contender does
 * before and after each run, outside its `run`, is not timed). Rounds interleave
 * the contenders, starting each round with the next one, so that drift in
 * the load of a shared machine hits them all alike rather than whichever
 * happened to run last.
 */
import { loadavg } from "node:os";
import { summarize } from "./stats.js";
import type {
  CaseResult,
  CaseSpec,
  Contender,
  ContenderResult,
  Mode,
  Placement,
  Trial,
  Workload,
  WorkloadResult,
} from "./types.js";

export interface MeasureOptions {
  readonly mode: Mode;
  /** Contenders placed elsewhere are left out (the unit tests run only `process`). */
  readonly placements?: readonly Placement[] | undefined;
  /** Replaces the workload's own cases (the unit tests pass tiny ones). */
  readonly cases?: readonly CaseSpec[] | undefined;
  /** Receives a line per step, for a progress log. */
  readonly log?: ((line: string) => void) | undefined;
}

export async function measureWorkload<S, O>(
  workload: Workload<S, O>,
  options: MeasureOptions,
): Promise<WorkloadResult> {
  const started = performance.now();
  const base = { id: workload.id, title: workload.title, description: workload.description, unit: workload.unit };
  const reason = workload.unavailable?.();
  if (reason !== undefined) return { ...base, cases: [], targets: [], seconds: 0, skipped: reason };
  const log = options.log ?? (() => undefined);
  const results: CaseResult[] = [];
  for (const spec of options.cases ?? workload.cases(options.mode)) {
    log(
      `${workload.id} ${spec.group} ${spec.scale}×: ${spec.units.toLocaleString("en")} × ${spec.unit ?? workload.unit}`,
    );
    results.push(await measureCase(workload, spec, options, log));
  }
  // Tiny test sizes say nothing about speed.
  const targets = options.mode === "test" ? [] : (workload.targets?.(results, options.mode) ?? []);
  const seconds = (performance.now() - started) / 1000;
  log(`${workload.id} took ${seconds.toFixed(0)} s`);
  return { ...base, cases: results, targets, seconds, skipped: undefined };
}

interface Entry<O> {
  readonly contender: Contender<unknown, O>;
  trial: Trial<O> | undefined;
  readonly samples: number[];
  error: string | undefined;
}

async function measureCase<S, O>(
  workload: Workload<S, O>,
  spec: CaseSpec,
  options: MeasureOptions,
  log: (line: string) => void,
): Promise<CaseResult> {
  const placements = options.placements;
  const contenders = spec.contenders.map((id) => {
    const found = workload.contenders.find((contender) => contender.id === id);
    if (found === undefined) throw new Error(`${workload.id}: case '${spec.group}' names unknown contender '${id}'`);
    return found;
  });
  const chosen = contenders.filter((contender) => placements === undefined || placements.includes(contender.placement));
  const loadAtStart = currentLoad();
  const setup = await workload.setup(spec, options.mode);
  const entries: Entry<O>[] = chosen.map((contender) => ({
    contender: contender as Contender<unknown, O>,
    trial: undefined,
    samples: [],
    error: undefined,
  }));
  let reference: { label: string; fingerprint: string } | undefined;

  /** Runs once and checks the output; records a failure instead of throwing. Resolves to the elapsed milliseconds. */
  const attempt = async (entry: Entry<O>): Promise<number | undefined> => {
    const trial = entry.trial;
    if (trial === undefined || entry.error !== undefined) return undefined;
    try {
      if (trial.before !== undefined) await withTimeout(trial.before(), spec.timeoutMs, "preparing the run");
      const start = performance.now();
      const output = await withTimeout(trial.run(), spec.timeoutMs, "the run");
      const elapsed = performance.now() - start;
      workload.check(setup.value, output, spec);
      const fingerprint = workload.fingerprint?.(output);
      if (fingerprint !== undefined) {
        if (reference === undefined) reference = { label: entry.contender.label, fingerprint };
        else if (reference.fingerprint !== fingerprint) {
          throw new Error(
            `its output differs from that of ${reference.label} (${fingerprint} ≠ ${reference.fingerprint})`,
          );
        }
      }
      if (trial.verify !== undefined) await withTimeout(trial.verify(), spec.timeoutMs, "verifying the run");
      return elapsed;
    } catch (error) {
      entry.error = `wrong or no output: ${describe(error)}`;
      log(`  ${entry.contender.id}: FAILED — ${entry.error}`);
      return undefined;
    }
  };

  try {
    for (const entry of entries) {
      try {
        entry.trial = await withTimeout(
          entry.contender.prepare(setup.value, spec),
          Math.max(60_000, spec.timeoutMs),
          "preparing",
        );
      } catch (error) {
        entry.error = `could not start: ${describe(error)}`;
        log(`  ${entry.contender.id}: FAILED — ${entry.error}`);
      }
    }
    for (const entry of entries) {
      for (let i = 0; i < spec.warmups; i++) await attempt(entry);
    }
    for (let round = 0; round < spec.rounds; round++) {
      for (let k = 0; k < entries.length; k++) {
        const entry = entries[(round + k) % entries.length]!;
        const elapsed = await attempt(entry);
        if (elapsed !== undefined) entry.samples.push(elapsed);
      }
    }
  } finally {
    for (const entry of entries) {
      try {
        await withTimeout(entry.trial?.close?.() ?? Promise.resolve(), 30_000, "closing");
      } catch (error) {
        log(`  ${entry.contender.id}: could not close: ${describe(error)}`);
      }
    }
    await setup.dispose?.();
  }

  const contenderResults = entries.map((entry): ContenderResult => {
    const ok = entry.error === undefined && entry.samples.length > 0;
    const stats = ok ? summarize(entry.samples) : undefined;
    const result: ContenderResult = {
      id: entry.contender.id,
      label: entry.contender.label,
      role: entry.contender.role,
      stats,
      perUnitUs: stats === undefined ? undefined : (stats.median * 1000) / spec.units,
      notes: entry.trial?.notes ?? [],
      error: ok ? undefined : (entry.error ?? "no timed run"),
    };
    if (stats !== undefined) {
      log(
        `  ${entry.contender.id.padEnd(24)} ${stats.median.toFixed(2).padStart(10)} ms  (${stats.min.toFixed(2)}–${stats.max.toFixed(2)})`,
      );
    }
    return result;
  });
  return { spec, contenders: contenderResults, notes: setup.notes ?? [], load: [loadAtStart, currentLoad()] };
}

function currentLoad(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A workload with its types erased, so that workloads of different shapes share one list. */
export interface RegisteredWorkload {
  readonly id: string;
  readonly title: string;
  /** Whether it needs the built CLI and runtime: a contender spawns processes, or its setup generates a runner. */
  readonly needsBuild: boolean;
  measure(options: MeasureOptions): Promise<WorkloadResult>;
}

export function register<S, O>(workload: Workload<S, O>): RegisteredWorkload {
  return {
    id: workload.id,
    title: workload.title,
    needsBuild:
      workload.needsBuild === true || workload.contenders.some((contender) => contender.placement === "spawns"),
    measure: (options) => measureWorkload(workload, options),
  };
}
