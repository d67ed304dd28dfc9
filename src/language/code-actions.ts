import type { Span } from "../../grammar/ast.js";
import type { CodeActionEntry, ManifestState } from "./types.js";

/** The fixes and source actions for the diagnostics that touch `span`. */
export function codeActions(_state: ManifestState, _span: Span): readonly CodeActionEntry[] {
  return [];
}
