import type { FlowDocument, Identifier, Span } from "../../grammar/ast.js";
import type { SourceText } from "../../grammar/source.js";
import { createDiagnostic, hasErrors, sortDiagnostics, type Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import { buildGraph } from "../graph/build-graph.js";
import { indexGraph } from "../graph/graph-index.js";
import { isCyclicComponent, stronglyConnectedComponents } from "../graph/strongly-connected.js";
import { topologicalOrder } from "../graph/topological-order.js";
import { buildPlan } from "../plan/build-plan.js";
import { manifestName } from "../resolve/manifest-name.js";
import type { Resolution } from "../resolve/types.js";
import { locate, mergeSettings } from "./merge-settings.js";
import { readBackend } from "./read-backend.js";
import { readGroups } from "./read-properties.js";
import type { Report } from "./report.js";
import type { RuleContext } from "./rule-context.js";
import { specifiedRules } from "./rules/index.js";
import type { Analysis, CheckOptions } from "./types.js";

/**
 * Checks the meaning of a parsed manifest: reads its backend statement and every group's properties, merges the
 * settings of each method, builds the data graph, runs every rule of
 * `specifiedRules`, and — when neither this phase nor an earlier one found an error —
 * builds the plan.
 */
export function check(
  document: FlowDocument,
  source: SourceText,
  resolution: Resolution,
  options: CheckOptions = {},
): Analysis {
  const file = source.path;
  const diagnostics: Diagnostic[] = [];
  const report: Report = (message, span, args = [], related = []) => {
    diagnostics.push(
      createDiagnostic(
        message,
        file,
        span,
        args,
        related.map((r) => ({ file, span: r.span, message: r.message })),
      ),
    );
  };

  const backend = readBackend(document, source, report);
  const groups = readGroups(document, source, report);
  const graph = buildGraph(groups);
  const { settings, origins } = mergeSettings(graph.nodes, groups, source, report);
  const index = indexGraph(graph);
  const acyclic = stronglyConnectedComponents(index.successors).every(
    (component) => !isCyclicComponent(component, index.successors),
  );

  const firstMentions = new Map<string, Identifier>();
  for (const facts of groups) {
    for (const method of facts.methods) if (!firstMentions.has(method.name)) firstMentions.set(method.name, method);
  }

  const context: RuleContext = {
    document,
    source,
    options,
    graph,
    index,
    acyclic,
    order: topologicalOrder(index.successors),
    groups,
    settings,
    origins,
    invalidNames: resolution.invalidNames,
    firstMentions,
    report,
    locate: (span: Span) => locate(source, span),
  };
  for (const rule of specifiedRules) rule(context);

  const sorted = sortDiagnostics(diagnostics);
  const sound = acyclic && graph.nodes.length > 0 && !hasErrors(resolution.diagnostics) && !hasErrors(sorted);
  const plan = sound ? buildPlan(manifestName(file), graph, settings, resolution) : undefined;
  return { source, document, resolution, graph, settings, backend, plan, diagnostics: sorted };
}
