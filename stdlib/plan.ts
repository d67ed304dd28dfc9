/**
 * The static plan descriptor: everything the runtime needs to know about a
 * compiled manifest, as plain JSON-serialisable data. The compiler produces it
 * (src/plan/), generated runners embed it, and every backend reads it.
 *
 * Keep it plain data: no functions, no classes, no `undefined` members
 * (absent settings are `null`), so `JSON.parse(JSON.stringify(plan))` is the same plan.
 */

/** Format version of the descriptor, bumped on incompatible changes. */
export const PLAN_FORMAT = 5;

/**
 * The run's input as a node (`@input` in a manifest): in a method's `inputs` it stands for
 * the run's input, and in a fan-in object it is the key of that value. No method can have
 * this name (`@` is no character of a name), so it never collides with one.
 */
export const RUN_INPUT = "@input";

export interface PlanDescriptor {
  readonly format: typeof PLAN_FORMAT;
  /** Manifest name without extension (`etl` for `etl.flow`). */
  readonly name: string;
  /**
   * Hex sha256 of the canonical JSON of everything below (methods, edges, settings),
   * used to keep different versions of a plan apart (e.g. distributed queue names).
   */
  readonly hash: string;
  /** Methods in a stable topological order: every method after all of its inputs. */
  readonly methods: readonly PlanMethod[];
  /** Data edges `from → to`, sorted by the topological index of `to`, then of `from`. */
  readonly edges: readonly PlanEdge[];
  /**
   * Methods without inputs (helpers excepted): they receive the run's input. A method whose
   * only input is `@input` receives it too, but is no source: its `inputs` say so.
   */
  readonly sources: readonly string[];
  /** Methods without outputs: their results form the run's output. */
  readonly sinks: readonly string[];
  /**
   * The manifest's concurrent groups of two or more methods, each as written (names in
   * plan order), in the order of their declarations. A list of groups rather than each
   * method's peers, so a group of n methods takes n names, not n².
   */
  readonly concurrent: readonly (readonly string[])[];
  /**
   * Whether the compiler proved that every value crossing an edge survives a
   * JSON round trip (`flowc build --backend bullmq`). Backends that move values
   * between processes as JSON refuse plans where this is `false`.
   */
  readonly jsonSafe: boolean;
}

export interface PlanMethod {
  /** The name used in the manifest (the local name of an import); unique in the plan. */
  readonly name: string;
  /** Module the method comes from, relative to the manifest, as written or defaulted (`./etl.methods`). */
  readonly module: string;
  /** Name the module exports it under (differs from `name` with `import { a as b }`). */
  readonly exportName: string;
  /** `parallel`: applied to each element of its incoming array; otherwise called once. */
  readonly mode: "single" | "parallel";
  /** Minimum number of workers a parallel method runs on (1 for single methods). */
  readonly minWorkers: number;
  /** Upper bound on workers for a parallel method, or `null` for the backend's default. */
  readonly maxWorkers: number | null;
  /** How many times a failed call is retried (0 = no retry). */
  readonly retries: number;
  /** Per-call timeout in milliseconds, or `null` for none. */
  readonly timeoutMs: number | null;
  /**
   * Items per shard for a parallel method (`shard_size`), or `null` to let the
   * backend size shards from the measured cost per item.
   */
  readonly shardSize: number | null;
  /** Whether the method declares an input parameter (methods without one are called with none). */
  readonly takesInput: boolean;
  /**
   * Predecessors in the order their values appear in a fan-in object; `@input`
   * ({@link RUN_INPUT}), first when present, is the run's input. Empty for sources and helpers.
   */
  readonly inputs: readonly string[];
  /**
   * Used only as another method's predicate (`run_if`) or `fallback`: in no data flow, never a
   * source or a sink; the scheduler calls it for the methods that name it.
   */
  readonly helper: boolean;
  /** The predicate (`run_if`) called with this method's input before it runs; `false` skips it. */
  readonly runIf: string | null;
  /** The method called with the same input when a call has used up its retries (`fallback`). */
  readonly fallback: string | null;
  /**
   * What a call that failed for good (retries and fallback used up) does (`on_error`): `fail`
   * the run; `skip` the method (for a parallel method, the item: its output is `undefined`);
   * `settle` (parallel only): the output is a `Settled` record per item.
   */
  readonly onError: OnError;
  /** Failed items a parallel stage tolerates before it fails after all (`max_failures`); `null`: all of them. */
  readonly maxFailures: MaxFailures | null;
  /** Routing by a discriminant of the output (`branch_on`), or `null`. */
  readonly branch: Branch | null;
  /**
   * The inputs whose skip this method tolerates: the type-checker proved that its parameter
   * (or that key of it) accepts `undefined`, so it runs with `undefined` in their place. A
   * skipped input not listed here skips the method.
   */
  readonly optional: readonly string[];
  /**
   * Whether a run with a journal may store this method's calls and reuse them on a resume
   * (`cache: false;` in the manifest turns it off, for a method that reads the clock, the
   * network or a queue). Calls are reused only when `codeHash` is known too.
   */
  readonly cache: boolean;
  /**
   * Hex sha256 of the method's code as the compiler read it: its own declaration and every
   * local declaration it reaches (in its module and the local modules those import), or the
   * whole module where a reference cannot be followed. It is part of every journal key of the
   * method, so a call is reused only by the same code. `null` when the compiler did not read
   * the code (an untyped build, a hand-written plan): its calls are never reused.
   */
  readonly codeHash: string | null;
}

export type OnError = "fail" | "skip" | "settle";

/** `max_failures: 3;` is `{ kind: "count", value: 3 }`; `max_failures: 5%;` is `{ kind: "percent", value: 5 }`. */
export interface MaxFailures {
  readonly kind: "count" | "percent";
  readonly value: number;
}

/** A value a discriminant can take: the literal types the compiler reads. */
export type DiscriminantValue = string | number | boolean | null;

/** How a method's output selects its successors (`branch_on: kind;`). */
export interface Branch {
  /** The discriminant property of the output. */
  readonly property: string;
  /**
   * Each successor's name → the discriminant values it receives; every successor of the
   * method is listed. An output whose discriminant is in none of them fails the run.
   */
  readonly routes: Readonly<Record<string, readonly DiscriminantValue[]>>;
}

export interface PlanEdge {
  readonly from: string;
  readonly to: string;
}
