import type { PlanDescriptor } from "../../stdlib/plan.js";
import type { Analysis } from "../check/types.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";

/** TypeScript types of one method, printed in TypeScript syntax. */
export interface MethodTypes {
  /** Type of the first parameter; `void` when the method takes no input. */
  readonly input: string;
  /** Awaited return type. */
  readonly output: string;
  readonly takesInput: boolean;
}

/** Result of the type-check phase. */
export interface TypedPlan {
  readonly analysis: Analysis;
  /** The analysis' plan with `takesInput` read from the real signatures. */
  readonly plan: PlanDescriptor;
  readonly types: ReadonlyMap<string, MethodTypes>;
  /** The run's input and output types, printed. */
  readonly inputType: string;
  readonly outputType: string;
  /** Diagnostics of this phase only. */
  readonly diagnostics: readonly Diagnostic[];
}
