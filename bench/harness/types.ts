/**
 * The contract between the harness, the workloads and the adapters.
 *
 * A workload says what is computed (its cases: sizes and settings; the setup
 * shared by every contender of a case; how an output is checked). A contender
 * is one way of computing it — flowc on one backend, or what a user would
 * write instead — built by an adapter. The harness prepares every contender
 * of a case, checks each output, times the runs and reports ratios.
 */

/** `full`: the published numbers; `quick`: small sizes, for CI's correctness pass; `test`: tiny sizes for unit tests. */
export type Mode = "full" | "quick" | "test";

/**
 * What a contender is to the reader of the report: `flowc`; a `peer` (what a
 * user would pick instead); or a `floor` (not an alternative, but a cost no
 * implementation can go under, such as lexing the text a parser reads or
 * starting an empty process).
 */
export type Role = "flowc" | "peer" | "floor";

/**
 * Where a contender runs: in this thread or on worker threads of this
 * process (`process`), or in child processes it spawns (`spawns`), which the
 * unit tests leave out.
 */
export type Placement = "process" | "spawns";

/** One prepared contender of one case: timed by its `run`, released by its `close`. */
export interface Trial<O> {
  /**
   * Untimed, before each run (warm-up runs included): what a run must find fresh, such as an
   * empty journal and a runner started on it. A throw fails the contender.
   */
  before?(): Promise<void>;
  /** One timed execution of the whole case; resolves to the output the workload checks. */
  run(): Promise<O>;
  /**
   * Untimed, after each run's output was checked: what the output cannot show, such as what
   * the run stored or reused. A throw fails the contender, as a wrong output does.
   */
  verify?(): Promise<void>;
  /** Facts worth reporting (a chunk size it settled on, a worker count). */
  readonly notes?: readonly string[] | undefined;
  close?(): Promise<void>;
}

export interface Contender<S, O> {
  /** Stable key in the results (`pocketflow`, `flowc-threads`). */
  readonly id: string;
  /** How the report names it. */
  readonly label: string;
  readonly role: Role;
  readonly placement: Placement;
  /** Builds the trial for a case: pools, workers and runners start here, outside the timing. */
  prepare(setup: S, spec: CaseSpec): Promise<Trial<O>>;
}

export interface CaseSpec {
  /** Groups the sizes of one measure for the growth table (`sync methods`). */
  readonly group: string;
  /** Size relative to the group's first case: 1, 10, 100. */
  readonly scale: number;
  /** Units of work in one run (runs of the chain, items, methods), for the cost per unit. */
  readonly units: number;
  /** What a unit is in this case, when it is not the workload's unit (`build`). */
  readonly unit?: string | undefined;
  /** Untimed runs before the timed ones (each output is checked all the same). */
  readonly warmups: number;
  /** Timed runs; the report gives their median, min and max. */
  readonly rounds: number;
  /** Ids of the workload's contenders that take part in this case, in report order. */
  readonly contenders: readonly string[];
  /** A run taking longer than this fails its contender instead of stalling the harness. */
  readonly timeoutMs: number;
  /** Anything else the workload's setup needs (example name, variant). */
  readonly params?: Readonly<Record<string, string | number>> | undefined;
}

export interface Workload<S, O> {
  /** `W1` … */
  readonly id: string;
  readonly title: string;
  /** What is measured and why, a few sentences of Markdown for the report. */
  readonly description: string;
  /** What one unit of work is (`run`, `item`, `method`), for the cost per unit. */
  readonly unit: string;
  readonly contenders: readonly Contender<S, O>[];
  /**
   * Whether its setup needs the built CLI and runtime in `dist/` (to generate
   * and compile a runner as a user does), even if none of its contenders spawns.
   */
  readonly needsBuild?: boolean;
  cases(mode: Mode): readonly CaseSpec[];
  /** Makes what every contender of a case shares (inputs, plans, servers). */
  setup(spec: CaseSpec, mode: Mode): Promise<Setup<S>>;
  /** Throws an `Error` saying what is wrong when `output` is not the right answer for `setup`. */
  check(setup: S, output: O, spec: CaseSpec): void;
  /**
   * A short digest of an output: every contender of a case must produce the
   * same one, which catches differences that `check`'s sampling could miss.
   */
  fingerprint?(output: O): string;
  /** The project's targets for this workload, judged from its results. */
  targets?(results: readonly CaseResult[], mode: Mode): readonly TargetResult[];
  /**
   * Why the workload cannot run on this machine (a missing program), or
   * `undefined`. The harness skips it with a notice, or fails under CI.
   */
  unavailable?(): string | undefined;
}

export interface Setup<S> {
  readonly value: S;
  /** Facts about the case for the report (a calibrated cost, a shard size). */
  readonly notes?: readonly string[] | undefined;
  /** Releases what the setup started (a Redis server, temporary files). */
  dispose?(): Promise<void>;
}

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

export interface ContenderResult {
  readonly id: string;
  readonly label: string;
  readonly role: Role;
  /** Milliseconds per run; `undefined` when the contender failed. */
  readonly stats: Stats | undefined;
  /** Microseconds per unit of work, from the median. */
  readonly perUnitUs: number | undefined;
  readonly notes: readonly string[];
  /** Why the contender failed (wrong output, exception, timeout). */
  readonly error: string | undefined;
}

export interface CaseResult {
  readonly spec: CaseSpec;
  readonly contenders: readonly ContenderResult[];
  readonly notes: readonly string[];
  /**
   * One-minute load average when the case started and when it ended: on a
   * shared machine, other work that competes for the cores shows here.
   */
  readonly load: readonly [start: number, end: number];
}

export interface TargetResult {
  /** The target as the project states it. */
  readonly target: string;
  /** What was measured, in words and numbers. */
  readonly measured: string;
  /** `undefined`: could not be judged (a contender failed or the case was skipped). */
  readonly met: boolean | undefined;
}

export interface WorkloadResult {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly cases: readonly CaseResult[];
  readonly targets: readonly TargetResult[];
  /** Wall-clock seconds the workload took, set-up and warm-up included. */
  readonly seconds: number;
  /** Set when the whole workload was not run, with the reason. */
  readonly skipped: string | undefined;
}
