import type { FlowDocument, Identifier, Span } from "../../grammar/ast.js";
import type { SourceText } from "../../grammar/source.js";
import type { GraphIndex } from "../graph/graph-index.js";
import type { GroupFacts } from "../bind/group-facts.js";
import type { MethodOrigins } from "../bind/merge-settings.js";
import type { Report } from "../bind/report.js";
import type { FlowGraph, MethodSettings } from "../bind/types.js";
import type { CheckOptions } from "./types.js";

/** Everything a rule may look at, and the one way it may speak: `report`. */
export interface RuleContext {
  readonly document: FlowDocument;
  readonly source: SourceText;
  readonly options: CheckOptions;
  readonly graph: FlowGraph;
  readonly index: GraphIndex;
  /**
   * Whether the graph is a DAG. Rules about paths and simultaneity need one; on a cyclic
   * graph they stay silent and leave the cycle to `noCycles`.
   */
  readonly acyclic: boolean;
  /** Node indices in stable topological order (nodes on cycles, if any, come last). */
  readonly order: readonly number[];
  readonly groups: readonly GroupFacts[];
  readonly settings: ReadonlyMap<string, MethodSettings>;
  readonly origins: ReadonlyMap<string, MethodOrigins>;
  /**
   * Names the resolver refused (reserved words, `__proto__`). Rules that warn about a single
   * method leave these alone: the name must change anyway, and the error says so.
   */
  readonly invalidNames: ReadonlySet<string>;
  /** The first mention of each method in a group. */
  readonly firstMentions: ReadonlyMap<string, Identifier>;
  readonly report: Report;
  /** `etl.flow:3:12`, for messages that name another location. */
  locate(span: Span): string;
}

/** A semantic rule: inspects the context and reports what it forbids. */
export type Rule = (context: RuleContext) => void;
