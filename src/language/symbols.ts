import type { ManifestState, SymbolEntry } from "./types.js";

/** The manifest's outline: imports, the backend, groups and their methods. */
export function documentSymbols(_state: ManifestState): readonly SymbolEntry[] {
  return [];
}
