import type { FlowDocument, Identifier } from "../../grammar/ast.js";
import type { SourceText } from "../../grammar/source.js";
import type { PlanDescriptor } from "../../stdlib/plan.js";
import type { Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import type { Resolution } from "../resolve/types.js";
import type { TargetBackend } from "./read-backend.js";

/** The settings of one method after merging every group that mentions it. */
export interface MethodSettings {
  readonly mode: "single" | "parallel";
  /** Methods it was declared concurrent with. */
  readonly concurrentWith: readonly string[];
  readonly minWorkers: number | undefined;
  readonly maxWorkers: number | undefined;
  readonly retries: number | undefined;
  readonly timeoutMs: number | undefined;
  /** Items per shard (`shard_size`); only a parallel method has shards. */
  readonly shardSize: number | undefined;
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
}

export interface CheckOptions {
  /** `--workers N`: the most workers the plan may use at once. */
  readonly workers?: number | undefined;
}

/** Result of the check phase. */
export interface Analysis {
  readonly source: SourceText;
  readonly document: FlowDocument;
  readonly resolution: Resolution;
  readonly graph: FlowGraph;
  readonly settings: ReadonlyMap<string, MethodSettings>;
  /** The backend the manifest declares (`backend bullmq;`), when it names one. */
  readonly backend: TargetBackend | undefined;
  /**
   * The plan, when the graph is sound (no cycle, no error in this phase or before).
   * `takesInput` is `true` for every method until the type-check phase knows better.
   */
  readonly plan: PlanDescriptor | undefined;
  /** Diagnostics of this phase only. */
  readonly diagnostics: readonly Diagnostic[];
}
