import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { positionAt, type SourceText } from "../../grammar/source.js";
import type { Diagnostic } from "../../grammar/diagnostics/diagnostic.js";

/** Golden files are rewritten instead of compared when this is set. */
export const updateFixtures = process.env.UPDATE_FIXTURES === "1";

/** The case folders under `test/fixtures/<area>`, each holding an `input.flow`. */
export function fixtureCases(area: string): { name: string; dir: string }[] {
  const root = path.resolve(import.meta.dirname, "../fixtures", area);
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(root, entry.name, "input.flow")))
    .map((entry) => ({ name: entry.name, dir: path.join(root, entry.name) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A diagnostic as a fixture states it: positions as 1-based lines and columns, `end` exclusive. */
export interface ExpectedDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly message: string;
}

export function describeDiagnostics(source: SourceText, diagnostics: readonly Diagnostic[]): ExpectedDiagnostic[] {
  return diagnostics.map((diagnostic) => {
    const start = positionAt(source, diagnostic.span.start);
    const end = positionAt(source, diagnostic.span.end);
    return {
      code: `FLOW${diagnostic.code}`,
      severity: diagnostic.severity,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      message: diagnostic.message,
    };
  });
}

/** Reads a golden file, or writes `actual` into it when fixtures are being updated. */
export function golden(file: string, actual: string): string {
  if (updateFixtures || !existsSync(file)) {
    if (!updateFixtures) throw new Error(`missing golden file ${file}; run with UPDATE_FIXTURES=1 to create it`);
    writeFileSync(file, actual);
    return actual;
  }
  return readFileSync(file, "utf8");
}

export function goldenJson(file: string, actual: unknown): unknown {
  return JSON.parse(golden(file, `${JSON.stringify(actual, null, 2)}\n`)) as unknown;
}
