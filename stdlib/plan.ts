/**
 * The static plan descriptor: everything the runtime needs to know about a
 * compiled manifest, as plain JSON-serialisable data. The compiler produces it
 * (src/plan/), generated runners embed it, and every backend reads it.
 *
 * Keep it plain data: no functions, no classes, no `undefined` members
 * (absent settings are `null`), so `JSON.parse(JSON.stringify(plan))` is the same plan.
 */

/** Format version of the descriptor, bumped on incompatible changes. */
export const PLAN_FORMAT = 3;

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
  /** Methods without inputs: they receive the run's input. */
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
  /** Predecessors in the order their values appear in a fan-in object. Empty for sources. */
  readonly inputs: readonly string[];
}

export interface PlanEdge {
  readonly from: string;
  readonly to: string;
}
