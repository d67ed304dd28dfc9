/**
 * Find references: every place the manifest names a method.
 */
import type { Span } from "../../grammar/ast.js";
import { locate } from "./locate.js";
import { declarationOf, mentionsOf } from "./mentions.js";
import type { ManifestState } from "./types.js";

/**
 * Every mention in the manifest of the method under `offset` (its name in a group, in an import,
 * or as a `run_if`/`fallback` value), in source order. The mention that introduces the name — its
 * import's local name, or for a name of the default module its first mention — is left out
 * unless `includeDeclaration`. On the exported name of `transform as clean`, the mentions of
 * `clean`.
 */
export function references(state: ManifestState, offset: number, includeDeclaration: boolean): readonly Span[] {
  const document = state.compiled.document;
  const located = locate(document, offset);
  if (located === undefined || (located.kind !== "method" && located.kind !== "export")) return [];
  const declaration = declarationOf(document, located.name);
  return mentionsOf(document, located.name)
    .filter((mention) => includeDeclaration || mention.identifier !== declaration?.identifier)
    .map((mention) => mention.identifier.span);
}
