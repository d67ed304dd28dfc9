/**
 * How many diagnostics one file reports. A file of garbage (a binary saved as
 * `.flow`, a paste gone wrong) holds a mistake every few characters: a million
 * diagnostics say nothing the first thousand do not, and would take minutes and
 * gigabytes to print. Past the limit, one diagnostic says how many more were found.
 */
import { Messages } from "./catalogue.js";
import { createDiagnostic, sortDiagnostics, type Diagnostic } from "./diagnostic.js";

/** The most diagnostics reported for one file, besides the one that counts the rest. */
export const diagnosticsPerFile = 1000;

export interface LimitOptions {
  /** @default diagnosticsPerFile */
  readonly limit?: number;
  /** Errors found past the limit but never made into diagnostics, to be counted with the rest. */
  readonly uncountedErrors?: number;
  /** Offset where the phase that found them stopped looking, having found more than the limit before it. */
  readonly stoppedAt?: number;
}

/**
 * The first `limit` of `diagnostics` (all of `file`) in source order, then, if any
 * are left, one diagnostic at the first left out that counts them: an error
 * (FLOW1011) when any of them is an error, so that the file still fails, else a
 * warning (FLOW1012). Under the limit, `diagnostics` is returned as it is.
 */
export function limitDiagnostics(
  file: string,
  diagnostics: readonly Diagnostic[],
  options: LimitOptions = {},
): readonly Diagnostic[] {
  const { limit = diagnosticsPerFile, uncountedErrors = 0, stoppedAt } = options;
  if (diagnostics.length <= limit && uncountedErrors === 0 && stoppedAt === undefined) return diagnostics;
  const sorted = sortDiagnostics(diagnostics);
  const shown = sorted.slice(0, limit);
  const rest = sorted.slice(limit);
  const count = rest.length + uncountedErrors;
  const errors = rest.filter((d) => d.severity === "error").length + uncountedErrors;
  const at = rest[0]?.span.start ?? stoppedAt ?? 0;
  const span = rest[0]?.span ?? { start: at, end: at };
  if (count === 0 && stoppedAt === undefined) return shown;
  if (errors === 0 && stoppedAt === undefined) {
    const more = `${count} more ${count === 1 ? "warning follows" : "warnings follow"}`;
    shown.push(createDiagnostic(Messages.MoreWarningsNotShown, file, span, [shown.length, more]));
    return shown;
  }
  const tail =
    stoppedAt === undefined
      ? `${count} more ${count === 1 ? "follows" : "follow"} from here (${plural(errors, "error")}, ${plural(count - errors, "warning")})`
      : `flowc stopped reading it after ${shown.length + count} problems, so more may follow`;
  shown.push(createDiagnostic(Messages.MoreErrorsNotShown, file, span, [shown.length, tail]));
  return shown;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
