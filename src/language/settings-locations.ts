/**
 * Go to declaration: from a method's name to where the manifest says how it runs — every
 * property of every group that lists it (its `execution_flow`, workers, retries, routing…).
 * Go to definition leads to its code (definition.ts); this leads to its settings, which may be
 * spread over several groups.
 */
import { locate } from "./locate.js";
import type { Location, ManifestState } from "./types.js";

/** The properties of the groups that list the method under `offset`, in source order. */
export function settingsLocations(state: ManifestState, offset: number): readonly Location[] {
  const document = state.compiled.document;
  const located = locate(document, offset);
  if (located === undefined || (located.kind !== "method" && located.kind !== "export")) return [];
  const name = located.name;
  return document.groups
    .filter((group) => group.methods.some((method) => method.name === name))
    .flatMap((group) =>
      group.block.properties.map((property): Location => ({ kind: "manifest", span: property.span })),
    );
}
