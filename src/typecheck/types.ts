import type { SourceText } from "../../grammar/source.js";
import type { PlanDescriptor } from "../../stdlib/plan.js";
import type { Analysis } from "../analysis.js";
import type { TargetBackend } from "../bind/read-backend.js";
import type { Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import type { InputProblem } from "./input-check.js";

/** TypeScript types of one method, printed in TypeScript syntax. */
export interface MethodTypes {
  /** Type of the first parameter; `void` when the method takes no input. */
  readonly input: string;
  /** Awaited return type. */
  readonly output: string;
  readonly takesInput: boolean;
  /** The method's call signature as TypeScript prints it, e.g. `(rows: Row[], ctx: RunContext) => Promise<Total>`. */
  readonly signature: string;
}

/** Where a method's code is: the declaration its export stands for, in a TypeScript (or JavaScript) file. */
export interface SourceLocation {
  /** Absolute path of the file. */
  readonly file: string;
  /** Offsets into that file's text (UTF-16, `end` exclusive): the declared name when there is one, else the declaration. */
  readonly start: number;
  readonly end: number;
}

/**
 * What travels along one edge, as the type-check proved it: the value `receiver` gets from
 * `sender` (`"@input"` for the run's input), after `skip`/`settle` and a branch's routing.
 */
export interface EdgeType {
  readonly sender: string;
  readonly receiver: string;
  /** The type as TypeScript prints it, e.g. `(Row | undefined)[]` or `Extract<Shape, { kind: "circle" }>`. */
  readonly type: string;
}

export type { TargetBackend } from "../bind/read-backend.js";

export interface TypeCheckOptions {
  /**
   * The backend the runner is meant for (`--backend`, else the manifest's `backend …;`,
   * which the caller resolves: see `compile`). `bullmq` sends every value
   * as JSON, so values that do not survive JSON are errors (FLOW4008) and a clean
   * plan is `jsonSafe`; `inline` moves nothing between threads; `threads` and no
   * backend at all warn about values a worker thread cannot receive (FLOW4007).
   */
  readonly backend?: TargetBackend | undefined;
  /**
   * A run's input, to check against the plan's `Input` type before anything runs
   * (`flowc run --input`): `value` is the parsed JSON, or `undefined` when none was given.
   */
  readonly runInput?: { readonly value: unknown } | undefined;
}

/** Result of the type-check phase. */
export interface TypedPlan {
  readonly analysis: Analysis;
  /**
   * The analysis' plan with `takesInput` read from the real signatures, each method's
   * `codeHash` (see code-hash.ts), and `jsonSafe` when proved.
   */
  readonly plan: PlanDescriptor;
  /**
   * The files the code hashes were read from (absolute): a compilation answered again
   * from the rebuild cache needs them unchanged, as it needs the files TypeScript read.
   */
  readonly codeFiles: readonly string[];
  /**
   * The generic and overloaded methods, by name, with how many arguments a call of them
   * passes (0, 1 or 2): their output is what TypeScript's call resolution makes of what
   * they receive, so the runner types them through a call too.
   */
  readonly calls: ReadonlyMap<string, 0 | 1 | 2>;
  readonly types: ReadonlyMap<string, MethodTypes>;
  /** Every edge of the plan with what travels along it, in plan order of receivers; empty when the methods could not be read. */
  readonly edges: readonly EdgeType[];
  /**
   * Where each method's code is declared, by method name (see declarations.ts); absent for a method
   * whose declaration cannot be found. A trail of re-exports that leaves for a package ends at the
   * last name written on it (the `export { x } from "pkg"` that names it).
   */
  readonly declarations: ReadonlyMap<string, SourceLocation>;
  /** The text of the files other than the manifest that diagnostics point into (methods modules, the tsconfig). */
  readonly sources: readonly SourceText[];
  /** The run's input and output types, printed. */
  readonly inputType: string;
  readonly outputType: string;
  /**
   * With `TypeCheckOptions.runInput`: where the given input does not fit the run's input
   * type (empty when it fits); `undefined` when it was not asked for or could not be judged.
   */
  readonly inputProblems?: readonly InputProblem[] | undefined;
  /** Diagnostics of this phase only. */
  readonly diagnostics: readonly Diagnostic[];
}
