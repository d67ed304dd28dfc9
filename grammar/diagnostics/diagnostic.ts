import type { Span } from "../ast.js";
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
  /**
   * Edits that fix the mistake, when the compiler knows them ("did you mean", an unused
   * import): an editor offers each as a quick fix. Edits are in the diagnostic's `file`.
   */
  readonly fixes?: readonly DiagnosticFix[] | undefined;
}

/** One way to fix a diagnostic: a title for a menu and the edits that make it. */
export interface DiagnosticFix {
  /** E.g. `Change to 'load'`, `Remove unused import 'total'`. */
  readonly title: string;
  /** Non-overlapping edits of the file, each replacing `span` with `text`. */
  readonly edits: readonly TextEdit[];
  /** The one fix that is almost certainly meant (an editor may apply it on save or with one key). */
  readonly preferred?: boolean | undefined;
}

/** Replaces the text at `span` (offsets into the file) with `text`. */
export interface TextEdit {
  readonly span: Span;
  readonly text: string;
}

/** A diagnostic of the catalogue's `message`, filled with `args`; it has `fixes` only when there are some. */
export function createDiagnostic(
  message: DiagnosticMessage,
  file: string,
  span: Span,
  args: readonly (string | number)[] = [],
  related: readonly RelatedLocation[] = [],
  fixes: readonly DiagnosticFix[] = [],
): Diagnostic {
  const diagnostic: Diagnostic = {
    code: message.code,
    severity: message.severity,
    message: formatMessage(message.message, args),
    file,
    span,
    related,
  };
  return fixes.length === 0 ? diagnostic : { ...diagnostic, fixes };
}

/**
 * Source text as a message quotes it: on one line (a string continued over lines would
 * break the message's one), and at most 40 characters, cut with `…`.
 */
export function excerpt(text: string): string {
  const line = text.replace(/\r\n|[\r\n\u2028\u2029]/g, " ");
  return line.length > 40 ? `${line.slice(0, 37)}…` : line;
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
  return meantText(closestMatch(name, candidates));
}

/** ` Did you mean 'x'?` for a suggestion `x`, or `""` for none. */
export function meantText(suggestion: string | undefined): string {
  return suggestion === undefined ? "" : ` Did you mean '${suggestion}'?`;
}

/**
 * The most edits a suggestion may be away from the name. A third of the name's length
 * is what a typo plausibly changes; past ten edits two names are different names, and
 * the bound keeps a long name (a 64 KB paste) as cheap to match as a short one.
 */
const maxSuggestionEdits = 10;

/** The candidate closest to `name` (ignoring case), within a third of its length in edits; the first of equals. */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  const lowerName = name.toLowerCase();
  let best: string | undefined;
  // Only a candidate closer than the best so far matters: the bound tightens as the search goes.
  let bound = Math.min(maxSuggestionEdits, Math.max(1, Math.floor(name.length / 3)));
  for (const candidate of candidates) {
    if (candidate === name || Math.abs(candidate.length - name.length) > bound) continue;
    const distance = editDistanceWithin(lowerName, candidate.toLowerCase(), bound);
    if (distance === undefined) continue;
    best = candidate;
    bound = distance - 1;
    if (bound < 0) break;
  }
  return best;
}

/**
 * The edit distance of `a` and `b` (Levenshtein, with a transposition counted as one
 * edit) if it is at most `limit`, else `undefined`. Only the cells within `limit` of the
 * diagonal can stay within it, so each row computes those alone, over three rows kept for
 * the transpositions, and the search ends as soon as a whole row exceeds the limit: time
 * O(length × limit), memory O(length).
 */
export function editDistanceWithin(a: string, b: string, limit: number): number | undefined {
  if (Math.abs(a.length - b.length) > limit) return undefined;
  const outside = limit + 1;
  const width = b.length + 1;
  let twoBack = new Int32Array(width).fill(outside);
  let previous = new Int32Array(width).fill(outside);
  let current = new Int32Array(width).fill(outside);
  for (let j = 0; j <= Math.min(b.length, limit); j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - limit);
    const to = Math.min(b.length, i + limit);
    // The cells beside the band hold stale values from three rows ago: read them as out of reach.
    current[from - 1] = from === 1 ? Math.min(i, outside) : outside;
    if (to + 1 <= b.length) current[to + 1] = outside;
    let rowMinimum = current[from - 1]!;
    for (let j = from; j <= to; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      ) {
        value = Math.min(value, twoBack[j - 2]! + 1);
      }
      current[j] = Math.min(value, outside);
      if (value < rowMinimum) rowMinimum = value;
    }
    if (rowMinimum > limit) return undefined;
    [twoBack, previous, current] = [previous, current, twoBack];
  }
  const distance = previous[b.length]!;
  return distance <= limit ? distance : undefined;
}
