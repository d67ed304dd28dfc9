import type { Span } from "../../grammar/ast.js";
import { formatMessage, type DiagnosticMessage, type Severity } from "./catalogue.js";

/** A secondary location that explains a diagnostic ("first set here", "cycle edge"). */
export interface RelatedLocation {
  readonly file: string;
  readonly span: Span;
  readonly message: string;
}

/**
 * The one diagnostic shape used by every phase. Positions are spans; line and
 * column are computed by the printer from the file's text.
 */
export interface Diagnostic {
  /** Numeric code from the catalogue, printed as `FLOW<code>`. */
  readonly code: number;
  readonly severity: Severity;
  readonly message: string;
  /** Path of the `.flow` file, as the user gave it. */
  readonly file: string;
  readonly span: Span;
  readonly related: readonly RelatedLocation[];
}

export function createDiagnostic(
  message: DiagnosticMessage,
  file: string,
  span: Span,
  args: readonly (string | number)[] = [],
  related: readonly RelatedLocation[] = [],
): Diagnostic {
  return {
    code: message.code,
    severity: message.severity,
    message: formatMessage(message.message, args),
    file,
    span,
    related,
  };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Orders diagnostics by file, then position, then code — the order they are printed in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.span.start - b.span.start ||
      a.span.end - b.span.end ||
      a.code - b.code,
  );
}

/** `Did you mean 'x'?` for the closest candidate within a small edit distance, or `""`. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const best = closestMatch(name, candidates);
  return best === undefined ? "" : ` Did you mean '${best}'?`;
}

export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance with transpositions counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = value;
    }
  }
  return d[rows - 1]![cols - 1]!;
}
