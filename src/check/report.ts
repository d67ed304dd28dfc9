import type { Span } from "../../grammar/ast.js";
import type { DiagnosticMessage } from "../../grammar/diagnostics/catalogue.js";

/** A related location in the manifest being checked (the file is implied). */
export interface RelatedSpan {
  readonly span: Span;
  readonly message: string;
}

/** Reports one diagnostic of the check phase against the manifest being checked. */
export type Report = (
  message: DiagnosticMessage,
  span: Span,
  args?: readonly (string | number)[],
  related?: readonly RelatedSpan[],
) => void;
