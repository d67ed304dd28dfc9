import type { Span } from "../../grammar/ast.js";
import type { ManifestState, TextEdit } from "./types.js";

/** The edits that lay the whole manifest out as `flowc fmt` does. */
export function formatDocument(_state: ManifestState): readonly TextEdit[] {
  return [];
}

/** The edits that lay out the part of the manifest `span` touches. */
export function formatRange(_state: ManifestState, _span: Span): readonly TextEdit[] {
  return [];
}
