import type { Span } from "../../grammar/ast.js";
import type { DiagnosticMessage } from "../../grammar/diagnostics/catalogue.js";
import { createDiagnostic, type Diagnostic, type DiagnosticFix } from "../../grammar/diagnostics/diagnostic.js";

/** A related location in the manifest being read (the file is implied). */
export interface RelatedSpan {
  readonly span: Span;
  readonly message: string;
}

/** Reports one diagnostic against the manifest being bound or checked, with the fixes known for it. */
export type Report = (
  message: DiagnosticMessage,
  span: Span,
  args?: readonly (string | number)[],
  related?: readonly RelatedSpan[],
  fixes?: readonly DiagnosticFix[],
) => void;

/** A `Report` that adds what it is told to `diagnostics`, as diagnostics of `file`. */
export function reportInto(file: string, diagnostics: Diagnostic[]): Report {
  return (message, span, args = [], related = [], fixes = []) => {
    diagnostics.push(
      createDiagnostic(
        message,
        file,
        span,
        args,
        related.map((r) => ({ file, span: r.span, message: r.message })),
        fixes,
      ),
    );
  };
}
