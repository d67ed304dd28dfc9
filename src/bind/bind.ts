import type { FlowDocument, Identifier } from "../../grammar/ast.js";
import { sortDiagnostics, type Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import type { SourceText } from "../../grammar/source.js";
import { buildGraph } from "../graph/build-graph.js";
import { mergeSettings } from "./merge-settings.js";
import { readBackend } from "./read-backend.js";
import { readGroups } from "./read-properties.js";
import { reportInto } from "./report.js";
import type { Binding } from "./types.js";

/**
 * Reads what a parsed manifest says into side tables beside its AST: the backend
 * statement, every group's methods and properties, the data graph the groups draw,
 * and each method's settings merged over the groups that list it. It reports what
 * cannot be read (FLOW2xxx); whether what was read makes a sound plan is the rules'
 * to say (FLOW3xxx, see `check`).
 */
export function bind(document: FlowDocument, source: SourceText): Binding {
  const diagnostics: Diagnostic[] = [];
  const report = reportInto(source.path, diagnostics);

  const backend = readBackend(document, source, report);
  const groups = readGroups(document, source, report);
  const graph = buildGraph(groups);
  const { settings, origins } = mergeSettings(graph.nodes, groups);

  const firstMentions = new Map<string, Identifier>();
  for (const facts of groups) {
    for (const method of facts.methods) if (!firstMentions.has(method.name)) firstMentions.set(method.name, method);
  }
  return {
    source,
    document,
    backend,
    groups,
    graph,
    settings,
    origins,
    firstMentions,
    diagnostics: sortDiagnostics(diagnostics),
  };
}
