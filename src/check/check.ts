import type { Span } from "../../grammar/ast.js";
import { sortDiagnostics, type Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import { locate } from "../bind/merge-settings.js";
import { reportInto } from "../bind/report.js";
import type { Binding } from "../bind/types.js";
import { indexGraph } from "../graph/graph-index.js";
import { isCyclicComponent, stronglyConnectedComponents } from "../graph/strongly-connected.js";
import { topologicalOrder } from "../graph/topological-order.js";
import type { Resolution } from "../resolve/types.js";
import type { RuleContext } from "./rule-context.js";
import { specifiedRules } from "./rules/index.js";
import type { CheckOptions, Checked } from "./types.js";

/**
 * Judges a bound manifest: runs every rule of `specifiedRules` over its graph and
 * settings. The rules are the only source of FLOW3xxx diagnostics.
 */
export function check(bound: Binding, resolution: Resolution, options: CheckOptions = {}): Checked {
  const { source } = bound;
  const diagnostics: Diagnostic[] = [];
  const index = indexGraph(bound.graph);
  const acyclic = stronglyConnectedComponents(index.successors).every(
    (component) => !isCyclicComponent(component, index.successors),
  );
  const context: RuleContext = {
    document: bound.document,
    source,
    options,
    graph: bound.graph,
    index,
    acyclic,
    order: topologicalOrder(index.successors),
    groups: bound.groups,
    settings: bound.settings,
    origins: bound.origins,
    invalidNames: resolution.invalidNames,
    firstMentions: bound.firstMentions,
    report: reportInto(source.path, diagnostics),
    locate: (span: Span) => locate(source, span),
  };
  for (const rule of specifiedRules) rule(context);
  return { acyclic, diagnostics: sortDiagnostics(diagnostics) };
}
