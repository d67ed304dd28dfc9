/**
 * Where each method's code is declared (`TypedPlan.declarations`), for an editor's "go to
 * definition": the name its export stands for, found in the module outlines (code-outline.ts)
 * of the syntax trees the type-check's program holds, whichever engine made them.
 *
 * An export is followed to the declaration behind it: `export function load`, `export const
 * load = …`, `export { x as load }` to `x`'s declaration (or on through the import `x` is),
 * `export { load } from "./other"` into the other module, `export default function load`
 * to `load`, `export default load;` to `load`, a name no `export { … }` lists through each
 * `export * from …`. An anonymous `export default …` is that statement. Where the trail
 * leaves the files flowc can follow (a package's import, a module the program did not parse)
 * it ends at the last name written on it; with nothing written, there is no declaration.
 */
import path from "node:path";
import type { ModuleLink, TextSpan } from "./code-outline.js";
import type { HashedMethod } from "./code-hash.js";
import type { ModuleReader } from "./module-reader.js";
import type { SourceLocation } from "./types.js";

/** The declaration of each method that has one, by method name. */
export function declarationsOf(methods: readonly HashedMethod[], modules: ModuleReader): Map<string, SourceLocation> {
  const found = new Map<string, SourceLocation>();
  for (const method of methods) {
    if (method.modulePath === undefined) continue;
    const location = new Trail(modules).exportOf(path.resolve(method.modulePath), method.exportName);
    if (location !== undefined) found.set(method.name, location);
  }
  return found;
}

/** One export followed from module to module; each `file\0name` once, so that circular re-exports end. */
class Trail {
  private readonly seen = new Set<string>();

  constructor(private readonly modules: ModuleReader) {}

  /** The declaration behind the export `name` of `file`. */
  exportOf(file: string, name: string): SourceLocation | undefined {
    const key = `${file}\0${name}`;
    if (this.seen.has(key)) return undefined;
    this.seen.add(key);
    const outline = this.modules.outline(file);
    if (outline === undefined) return undefined;
    const target = outline.exports.get(name);
    switch (target?.kind) {
      case "local":
        return this.local(file, target.name);
      case "statement": {
        const statement = outline.statements[target.index];
        const named = target.name === undefined ? undefined : this.local(file, target.name);
        return named ?? (statement === undefined ? undefined : at(file, statement.span));
      }
      case "import":
        return this.link(file, target);
      case undefined:
        // Not listed: one of the modules `export *` re-exports may have it.
        for (const specifier of outline.stars) {
          const star = this.modules.resolve(specifier, file);
          const found = star === undefined ? undefined : this.exportOf(star, name);
          if (found !== undefined) return found;
        }
        return undefined;
    }
  }

  /** A top-level name of `file`: its first declaration, else the export its import names. */
  private local(file: string, name: string): SourceLocation | undefined {
    const outline = this.modules.outline(file);
    if (outline === undefined) return undefined;
    for (const index of outline.declared.get(name) ?? []) {
      const statement = outline.statements[index];
      const written = statement?.declaredAt[statement.declares.indexOf(name)];
      if (written !== undefined) return at(file, written);
    }
    const link = outline.imports.get(name);
    return link === undefined ? undefined : this.link(file, link);
  }

  /** What an import or re-export of `file` names, or where `file` names it when it cannot be followed. */
  private link(file: string, link: ModuleLink): SourceLocation | undefined {
    const target = this.modules.resolve(link.specifier, file);
    const followed = target === undefined || link.name === "*" ? undefined : this.exportOf(target, link.name);
    return followed ?? (link.at === undefined ? undefined : at(file, link.at));
  }
}

function at(file: string, span: TextSpan): SourceLocation {
  return { file, start: span.start, end: span.end };
}
