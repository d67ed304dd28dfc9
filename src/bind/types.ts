import type { FlowDocument, Identifier } from "../../grammar/ast.js";
import type { Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import type { MaxFailures, OnError } from "../../stdlib/plan.js";
import type { SourceText } from "../../grammar/source.js";
import type { GroupFacts } from "./group-facts.js";
import type { MethodOrigins } from "./merge-settings.js";
import type { TargetBackend } from "./read-backend.js";

/** The settings of one method after merging every group that mentions it. */
export interface MethodSettings {
  readonly mode: "single" | "parallel";
  /** Whether a concurrent group of two or more methods names it. */
  readonly concurrent: boolean;
  readonly minWorkers: number | undefined;
  readonly maxWorkers: number | undefined;
  readonly retries: number | undefined;
  readonly timeoutMs: number | undefined;
  /** Items per shard (`shard_size`); only a parallel method has shards. */
  readonly shardSize: number | undefined;
  /** The predicate (`run_if`) and the `fallback`, by name. */
  readonly runIf: string | undefined;
  readonly fallback: string | undefined;
  readonly onError: OnError | undefined;
  readonly maxFailures: MaxFailures | undefined;
  /** The discriminant its output is routed by (`branch_on`). */
  readonly branchOn: string | undefined;
  /**
   * Whether a run's journal may store the method's calls and reuse them on a resume:
   * `cache: false;` turns it off; `true` unless a group says so.
   */
  readonly cache: boolean;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** The mention of `to` in the sequential group that declares this edge (diagnostics point here). */
  readonly declaration: Identifier;
}

export interface FlowGraph {
  /** Every method, in order of first mention. */
  readonly nodes: readonly string[];
  /** Deduplicated data edges, in declaration order. */
  readonly edges: readonly GraphEdge[];
  /**
   * Where the run's input flows (`@input, report`): edges from `@input` (`from` is
   * `RUN_INPUT`), deduplicated, in declaration order. Not among `edges`: `@input` is no method.
   */
  readonly runInputs?: readonly GraphEdge[];
}

/**
 * Result of the bind phase: what the manifest's groups and statements say, read into
 * side tables beside the AST — the backend it is meant for, each group's facts, the
 * data graph, and each method's merged settings with where each was written.
 */
export interface Binding {
  readonly source: SourceText;
  readonly document: FlowDocument;
  /** The backend the manifest declares (`backend bullmq;`), when it names one. */
  readonly backend: TargetBackend | undefined;
  readonly groups: readonly GroupFacts[];
  readonly graph: FlowGraph;
  readonly settings: ReadonlyMap<string, MethodSettings>;
  readonly origins: ReadonlyMap<string, MethodOrigins>;
  /** The first mention of each method in a group. */
  readonly firstMentions: ReadonlyMap<string, Identifier>;
  /** Diagnostics of this phase only (FLOW2xxx: repeated names and properties, unknown properties and values). */
  readonly diagnostics: readonly Diagnostic[];
}
