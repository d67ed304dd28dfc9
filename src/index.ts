/**
 * `flowc`: the compiler as a library. The CLI runs the same pipeline; generated
 * runners import the runtime from `flowc/runtime` instead.
 */
export { check, compile, createSession } from "./api/compile.js";
export type {
  CheckOptions,
  CheckResult,
  CompileOptions,
  CompileResult,
  CompilerSession,
  SessionOptions,
  ManifestInput,
} from "./api/compile.js";
export { format } from "./api/format.js";
export type { FormatResult } from "./api/format.js";
export { printDiagnostics } from "./api/diagnostics.js";
export type {
  Diagnostic,
  DiagnosticEdit,
  DiagnosticFix,
  DiagnosticSources,
  PrintOptions,
  RelatedLocation,
} from "./api/diagnostics.js";
export type { EdgeType, MethodTypes, TargetBackend } from "./typecheck/types.js";
export type { PlanDescriptor } from "../stdlib/plan.js";
export { VERSION as version } from "./version.js";
