import type { SourceText } from "../../grammar/source.js";
import { sortDiagnostics, type Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import { formatDiagnosticsText, toJsonDiagnostic } from "../diagnostics/printer.js";

export type DiagnosticsFormat = "text" | "json";

/**
 * Prints the diagnostics of one CLI invocation: text with code frames on
 * stderr, or — with `--format json` — one JSON array on stdout (always printed,
 * `[]` when clean, so tools can parse it unconditionally).
 */
export function reportDiagnostics(
  diagnostics: readonly Diagnostic[],
  sources: readonly SourceText[],
  format: DiagnosticsFormat,
): void {
  const byPath = new Map(sources.map((source) => [source.path, source]));
  const lookup = (file: string) => byPath.get(file);
  // Manifests that share a methods module (or a tsconfig) each report its errors: print them once.
  const sorted = sortDiagnostics(diagnostics).filter((d, i, all) => i === 0 || !sameDiagnostic(all[i - 1]!, d));
  if (format === "json") {
    process.stdout.write(
      `${JSON.stringify(
        sorted.map((d) => toJsonDiagnostic(d, lookup)),
        null,
        2,
      )}\n`,
    );
  } else if (sorted.length > 0) {
    process.stderr.write(
      formatDiagnosticsText(sorted, lookup, { color: process.stderr.isTTY && !process.env.NO_COLOR }),
    );
  }
}

function sameDiagnostic(a: Diagnostic, b: Diagnostic): boolean {
  return (
    a.file === b.file &&
    a.span.start === b.span.start &&
    a.span.end === b.span.end &&
    a.code === b.code &&
    a.message === b.message
  );
}
