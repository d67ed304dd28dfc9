import type { Span } from "../../grammar/ast.js";
import type { ManifestState, RenameResult } from "./types.js";

/** The name under `offset` that can be renamed, with its span. */
export function prepareRename(
  _state: ManifestState,
  _offset: number,
): { readonly span: Span; readonly placeholder: string } | undefined {
  return undefined;
}

/** The edits that rename the method under `offset` to `newName` in the manifest. */
export function rename(_state: ManifestState, _offset: number, _newName: string): RenameResult {
  return { ok: false, reason: "not available" };
}
