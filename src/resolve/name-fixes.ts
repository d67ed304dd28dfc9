/**
 * The fixes of the resolver's diagnostics: a misspelt name changed to the one meant (in the
 * import that takes it, or at every mention of it), and an import specifier taken out.
 *
 * A rename is offered only where it leaves the manifest saying what was meant: not where a
 * group already names the other name too (it would be listed twice, or be its own
 * predicate), and not to a name that cannot name a method.
 */
import type { FlowDocument, Identifier, ImportDeclaration, ImportSpecifier } from "../../grammar/ast.js";
import type { DiagnosticFix, TextEdit } from "../../grammar/diagnostics/diagnostic.js";
import { fix, removeListItem, removeStatement, replaceSpan } from "../../grammar/diagnostics/fixes.js";
import type { SourceText } from "../../grammar/source.js";
import { groupMentions } from "./mentions.js";
import { exportNameProblem, methodNameProblem } from "./reserved-words.js";

export interface NameFixes {
  /** Every mention of `name`, a name of the default module, changed to `to`, another of its names. */
  renameMentions(name: string, to: string): readonly DiagnosticFix[];
  /** Every mention of `name` changed to `local`, the local name of an import. */
  useImport(name: string, local: string): readonly DiagnosticFix[];
  /**
   * The name `specifier` imports changed to `to`: with `as`, in the specifier alone; without,
   * the local name is the same one, so at every mention too.
   */
  renameImport(specifier: ImportSpecifier, to: string): readonly DiagnosticFix[];
  /** `specifier` taken out of `declaration`, or the whole declaration when it is the only one. */
  removeSpecifier(
    declaration: ImportDeclaration,
    specifier: ImportSpecifier,
    title: string,
    preferred: boolean,
  ): readonly DiagnosticFix[];
}

/** The fixes of one manifest's names; what they need of the document is read once, when first asked. */
export function nameFixes(document: FlowDocument, source: SourceText): NameFixes {
  interface Index {
    /** Every mention of each name. */
    readonly mentions: Map<string, Identifier[]>;
    /** The groups (by position) that mention each name. */
    readonly groups: Map<string, Set<number>>;
    /** The local names of the imports. */
    readonly locals: Set<string>;
  }
  let index: Index | undefined;
  const indexed = (): Index => {
    if (index !== undefined) return index;
    const mentions = new Map<string, Identifier[]>();
    const groups = new Map<string, Set<number>>();
    for (const [position, group] of document.groups.entries()) {
      for (const mention of groupMentions(group)) {
        const list = mentions.get(mention.name);
        if (list === undefined) mentions.set(mention.name, [mention]);
        else list.push(mention);
        const inGroups = groups.get(mention.name);
        if (inGroups === undefined) groups.set(mention.name, new Set([position]));
        else inGroups.add(position);
      }
    }
    const locals = new Set(document.imports.flatMap((d) => d.specifiers.map((s) => s.local.name)));
    index = { mentions, groups, locals };
    return index;
  };
  const shareAGroup = (a: string, b: string): boolean => {
    const { groups } = indexed();
    const [inA, inB] = [groups.get(a), groups.get(b)];
    if (inA === undefined || inB === undefined) return false;
    const [fewer, more] = inA.size <= inB.size ? [inA, inB] : [inB, inA];
    for (const position of fewer) if (more.has(position)) return true;
    return false;
  };

  const rename = (name: string, to: string, declared: readonly Identifier[]): readonly DiagnosticFix[] => {
    if (methodNameProblem(to) !== undefined || shareAGroup(name, to)) return [];
    const mentions = indexed().mentions.get(name) ?? [];
    const edits: TextEdit[] = [...declared, ...mentions].map((id) => replaceSpan(id.span, to));
    return [fix(renameTitle(name, to, edits.length), edits, true)];
  };

  return {
    // An import of that name would take the mentions over.
    renameMentions: (name, to) => (indexed().locals.has(to) ? [] : rename(name, to, [])),
    useImport: (name, local) => rename(name, local, []),
    renameImport(specifier, to) {
      const { imported, local } = specifier;
      if (imported !== local) {
        if (exportNameProblem(to) !== undefined) return [];
        return [fix(renameTitle(imported.name, to, 1), [replaceSpan(imported.span, to)], true)];
      }
      return indexed().locals.has(to) ? [] : rename(local.name, to, [local]);
    },
    removeSpecifier(declaration, specifier, title, preferred) {
      const at = declaration.specifiers.indexOf(specifier);
      const edit =
        declaration.specifiers.length === 1
          ? removeStatement(source, declaration.span)
          : removeListItem(declaration.specifiers, at);
      return [fix(title, [edit], preferred)];
    },
  };
}

function renameTitle(name: string, to: string, edits: number): string {
  return edits === 1 ? `Change to '${to}'` : `Change every '${name}' to '${to}'`;
}
