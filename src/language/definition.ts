import type { Location, ManifestState } from "./types.js";

/** Where the thing under `offset` is defined. */
export function definition(_state: ManifestState, _offset: number): readonly Location[] {
  return [];
}
