import type { Span } from "../../grammar/ast.js";
import type { ManifestState } from "./types.js";

/** Every mention in the manifest of the method under `offset`. */
export function references(_state: ManifestState, _offset: number, _includeDeclaration: boolean): readonly Span[] {
  return [];
}
