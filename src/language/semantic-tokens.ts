import type { ManifestState, SemanticToken } from "./types.js";

/** Every token with its meaning, in source order. */
export function semanticTokens(_state: ManifestState): readonly SemanticToken[] {
  return [];
}
