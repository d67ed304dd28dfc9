import { createSourceText } from "../../grammar/source.js";
import { formatSource } from "../format/format.js";
import { sourceTexts, toPublicDiagnostics, type Diagnostic, type DiagnosticSources } from "./diagnostics.js";

export interface FormatResult {
  /** The manifest in the canonical layout, or `undefined` when it has syntax errors (then in `diagnostics`). */
  readonly text: string | undefined;
  /** Whether `text` differs from what was given. */
  readonly changed: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: DiagnosticSources;
}

/**
 * Formats a manifest's text as `flowc fmt` does (comments kept; formatting twice is
 * formatting once). A manifest that does not parse is left as it is, with its syntax errors.
 *
 * @example
 * import { format } from "flowc";
 * const { text } = format("a,b{execution_flow:sequential;}", { path: "etl.flow" });
 */
export function format(text: string, options: { readonly path?: string } = {}): FormatResult {
  const source = createSourceText(options.path ?? "manifest.flow", text);
  const result = formatSource(source);
  return {
    text: result.text,
    changed: result.text !== undefined && result.text !== text,
    diagnostics: toPublicDiagnostics(result.diagnostics, [source]),
    sources: sourceTexts([source]),
  };
}
