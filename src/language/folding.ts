import type { FoldingEntry, ManifestState } from "./types.js";

/** The regions an editor can fold: blocks, the imports, long comments. */
export function foldingRanges(_state: ManifestState): readonly FoldingEntry[] {
  return [];
}
