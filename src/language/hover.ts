import type { HoverInfo, ManifestState } from "./types.js";

/** What to show for the name or property under `offset`. */
export function hover(_state: ManifestState, _offset: number): HoverInfo | undefined {
  return undefined;
}
