import type { Diagnostic } from "../../grammar/diagnostics/diagnostic.js";

export interface CheckOptions {
  /** `--workers N`: the most workers the plan may use at once. */
  readonly workers?: number | undefined;
}

/** Result of the check phase: what the rules found wrong with the bound manifest. */
export interface Checked {
  /** Whether the data graph has no cycle (a plan needs one that has none). */
  readonly acyclic: boolean;
  /** Diagnostics of this phase only: FLOW3xxx, every one from a rule of `specifiedRules`. */
  readonly diagnostics: readonly Diagnostic[];
}
