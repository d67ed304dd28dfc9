import type { CompletionEntry, ManifestState } from "./types.js";

/** What may be typed at `offset`. */
export function completion(_state: ManifestState, _offset: number): readonly CompletionEntry[] {
  return [];
}
