import path from "node:path";
import { createSourceText, type SourceText } from "../../grammar/source.js";
import { Messages, type DiagnosticMessage } from "../../grammar/diagnostics/catalogue.js";
import { createDiagnostic, type Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import { flattenMessage, type EngineDiagnostic } from "./engine.js";

/** Diagnostics located in files other than the manifest, with those files' text for their code frames. */
export interface ForeignDiagnostics {
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: readonly SourceText[];
}

/**
 * The names a diagnostic gives files other than the manifest: relative to where the
 * user named the manifest from (`flows/etl.flow` → `flows/etl.methods.ts`), so that
 * every path of one report reads from the same place.
 */
export function displayPathFor(manifestPath: string): (file: string) => string {
  const manifestDir = path.dirname(path.resolve(manifestPath));
  return (file) => {
    if (path.isAbsolute(manifestPath)) return path.resolve(file);
    const relative = path.relative(manifestDir, path.resolve(file));
    return path.normalize(path.join(path.dirname(manifestPath), relative));
  };
}

/**
 * TypeScript's own errors in the methods modules of a manifest and the local modules
 * they import, as the user's `tsc` reports them, each at its place in its file
 * (FLOW4012): a module with an error elsewhere would otherwise be run all the same.
 */
export function moduleTypeErrors(
  errors: readonly EngineDiagnostic[],
  displayPath: (file: string) => string,
): ForeignDiagnostics {
  return located(errors, Messages.ModuleTypeError, displayPath);
}

/**
 * The errors in a project's tsconfig (FLOW4013): at their place in the file when
 * TypeScript gives one, else at the start of the manifest, naming the tsconfig.
 */
export function tsConfigErrors(
  errors: readonly EngineDiagnostic[],
  tsConfigPath: string | undefined,
  manifest: SourceText,
  displayPath: (file: string) => string,
): ForeignDiagnostics {
  const where = tsConfigPath === undefined ? "" : ` (reading ${displayPath(tsConfigPath)})`;
  return located(errors, Messages.TsConfigError, displayPath, { source: manifest, suffix: where });
}

function located(
  errors: readonly EngineDiagnostic[],
  message: DiagnosticMessage,
  displayPath: (file: string) => string,
  fallback?: { readonly source: SourceText; readonly suffix: string },
): ForeignDiagnostics {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, SourceText>();
  for (const error of errors) {
    const text = flattenMessage(error.message);
    const file = error.file;
    if (file === undefined || error.start === undefined) {
      if (fallback === undefined) continue;
      const span = { start: 0, end: 0 };
      diagnostics.push(
        createDiagnostic(message, fallback.source.path, span, [
          error.code,
          `${text.replace(/\.$/, "")}${fallback.suffix}.`,
        ]),
      );
      continue;
    }
    const shown = displayPath(file);
    if (!sources.has(shown)) sources.set(shown, createSourceText(shown, error.fileText ?? ""));
    const span = { start: error.start, end: error.start + (error.length ?? 0) };
    diagnostics.push(createDiagnostic(message, shown, span, [error.code, text]));
  }
  return { diagnostics, sources: [...sources.values()] };
}
