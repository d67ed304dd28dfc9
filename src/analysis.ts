import type { FlowDocument } from "../grammar/ast.js";
import { sortDiagnostics, type Diagnostic } from "../grammar/diagnostics/diagnostic.js";
import type { SourceText } from "../grammar/source.js";
import type { PlanDescriptor } from "../stdlib/plan.js";
import type { TargetBackend } from "./bind/read-backend.js";
import type { MethodOrigins } from "./bind/merge-settings.js";
import type { Binding, FlowGraph, MethodSettings } from "./bind/types.js";
import type { Checked } from "./check/types.js";
import { plan } from "./plan/plan.js";
import type { Resolution } from "./resolve/types.js";

/**
 * What the phases before the type-check know of a manifest, as the type-check and the
 * emitter read it: its names (resolve), what its groups say (bind), and its plan
 * (plan), when the rules (check) found nothing wrong.
 */
export interface Analysis {
  readonly source: SourceText;
  readonly document: FlowDocument;
  readonly resolution: Resolution;
  readonly graph: FlowGraph;
  readonly settings: ReadonlyMap<string, MethodSettings>;
  /** Where each method's settings were written (diagnostics about them point there). */
  readonly origins: ReadonlyMap<string, MethodOrigins>;
  /** The backend the manifest declares (`backend bullmq;`), when it names one. */
  readonly backend: TargetBackend | undefined;
  /**
   * The plan, when the graph is sound (no cycle, no error before). `takesInput` is
   * `true` for every method until the type-check phase knows better.
   */
  readonly plan: PlanDescriptor | undefined;
  /** The diagnostics of the bind and check phases. */
  readonly diagnostics: readonly Diagnostic[];
}

/** The analysis of a manifest after resolve, bind and check, with its plan (the plan phase) when it is sound. */
export function analysisOf(resolution: Resolution, bound: Binding, checked: Checked): Analysis {
  return {
    source: bound.source,
    document: bound.document,
    resolution,
    graph: bound.graph,
    settings: bound.settings,
    origins: bound.origins,
    backend: bound.backend,
    plan: plan(resolution, bound, checked),
    diagnostics: sortDiagnostics(bound.diagnostics.concat(checked.diagnostics)),
  };
}
