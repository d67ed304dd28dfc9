/**
 * Go to definition: from a method's name to its code, from an import's module path to the module.
 */
import { locate } from "./locate.js";
import { declarationOf } from "./mentions.js";
import { methodFacts, modulePathOf } from "./method-facts.js";
import type { Location, ManifestState } from "./types.js";

/**
 * Where the thing under `offset` is defined.
 *
 * A method's name — in a group, an import (local or exported name), a `run_if` or `fallback`
 * value — leads to one place: the function its module exports, as the type-check found it;
 * while types are unknown, the module's file; when even that is unknown, the mention that
 * introduces the name in the manifest (its import, or its first mention). One place rather than
 * a list with the groups that configure the method: go to definition is for getting to the code
 * in one keystroke, and a list would stop every jump at a peek view. The groups that mention the
 * method are its references, and the hover sums up the settings they give it.
 *
 * An import's module path leads to the start of the module's file.
 */
export function definition(state: ManifestState, offset: number): readonly Location[] {
  const located = locate(state.compiled.document, offset);
  if (located === undefined) return [];
  switch (located.kind) {
    case "method":
    case "export": {
      const facts = methodFacts(state, located.name);
      if (facts.declaration !== undefined) return [{ kind: "file", ...facts.declaration }];
      if (facts.modulePath !== undefined) return [{ kind: "file", file: facts.modulePath, start: 0, end: 0 }];
      const declaration = declarationOf(state.compiled.document, located.name);
      return declaration === undefined ? [] : [{ kind: "manifest", span: declaration.identifier.span }];
    }
    case "import-source": {
      const file = modulePathOf(state, located.literal.value);
      return file === undefined ? [] : [{ kind: "file", file, start: 0, end: 0 }];
    }
    default:
      return [];
  }
}
