/**
 * Code actions: the fixes the compiler attached to the diagnostics at a place
 * (`Diagnostic.fixes`), imports that would give a name its missing method, and the source
 * action that removes every unused import. Each action's edits leave text that parses:
 * one whose result would not is not offered.
 */
import type { FlowDocument, ImportDeclaration, ImportSpecifier, Span } from "../../grammar/ast.js";
import { parse } from "../../grammar/index.js";
import { createSourceText } from "../../grammar/source.js";
import { Messages } from "../../grammar/diagnostics/catalogue.js";
import { hasErrors, type Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import { applyEdits } from "../../grammar/diagnostics/fixes.js";
import { defaultModuleSpecifier } from "../resolve/manifest-name.js";
import { addSpecifier, mergeDeletions, removeSpecifiers } from "./import-edits.js";
import { moduleExports } from "./method-offers.js";
import type { CodeActionEntry, ManifestState, TextEdit } from "./types.js";

/** Diagnostics about a name the module it is looked for in lacks. */
const missingMethodCodes: ReadonlySet<number> = new Set([
  Messages.ModuleNotFound.code,
  Messages.MethodNotExported.code,
  Messages.NotImported.code,
]);

/** The fixes and source actions for the diagnostics that touch `span`. */
export function codeActions(state: ManifestState, span: Span): readonly CodeActionEntry[] {
  const actions: CodeActionEntry[] = [];
  for (const diagnostic of state.compiled.diagnostics) {
    if (diagnostic.file !== state.source.path || !touches(diagnostic.span, span)) continue;
    for (const fix of diagnostic.fixes ?? []) {
      actions.push({ title: fix.title, kind: "quickfix", diagnostic, edits: fix.edits, preferred: fix.preferred });
    }
    if (missingMethodCodes.has(diagnostic.code)) actions.push(...importFixes(state, diagnostic));
  }
  const unused = removeUnusedImports(state);
  if (unused !== undefined) actions.push(unused);
  return actions;
}

/**
 * For a name its module lacks, the other modules that export it: a name taken from the
 * default module is added to the import of a module the manifest imports that has it; a
 * name an import takes from a module that lacks it is taken from the default module
 * instead (dropping it from the import), or moved to the import of another module.
 */
function importFixes(state: ManifestState, diagnostic: Diagnostic): CodeActionEntry[] {
  const text = state.source.text;
  const document = state.compiled.document;
  const name = text.slice(diagnostic.span.start, diagnostic.span.end);
  const fromImport = specifierAt(document, diagnostic.span);
  const holder = document.imports.find((declaration) => within(diagnostic.span, declaration.span));
  const exports = (specifier: string) => moduleExports(state, specifier)?.get(name)?.isFunction === true;
  const actions: CodeActionEntry[] = [];
  const offer = (title: string, edits: readonly TextEdit[]) => {
    const action: CodeActionEntry = { title, kind: "quickfix", diagnostic, edits };
    if (parses(state, edits)) actions.push(action);
  };

  if (holder === undefined) {
    // A name in a group: it comes from the default module unless an import binds it.
    if (document.imports.some((declaration) => declaration.specifiers.some((s) => s.local.name === name))) return [];
    for (const [source, declaration] of importsBySource(document)) {
      if (exports(source)) offer(`Import '${name}' from '${source}'`, [addSpecifier(declaration, name)]);
    }
    return actions;
  }
  if (fromImport === undefined) return [];
  const { declaration, specifier } = fromImport;
  const removal = removeSpecifiers(state.source, declaration, new Set([specifier]));
  const defaultModule = defaultModuleSpecifier(state.source.path);
  // Without `as`, the default module binds the name as the import did.
  if (specifier.local.name === name && exports(defaultModule)) {
    offer(`Take '${name}' from '${defaultModule}'`, removal);
  }
  const written = text.slice(specifier.span.start, specifier.span.end);
  for (const [source, other] of importsBySource(document)) {
    if (source === declaration.source.value || !exports(source)) continue;
    offer(`Import '${name}' from '${source}' instead`, [...removal, addSpecifier(other, written)]);
  }
  return actions;
}

/** "Remove all unused imports", when there are any (FLOW2010). */
function removeUnusedImports(state: ManifestState): CodeActionEntry | undefined {
  const unused = state.compiled.diagnostics.filter(
    (diagnostic) => diagnostic.code === Messages.UnusedImport.code && diagnostic.file === state.source.path,
  );
  if (unused.length === 0) return undefined;
  const edits: TextEdit[] = [];
  for (const declaration of state.compiled.document.imports) {
    const remove = new Set(
      declaration.specifiers.filter((specifier) => unused.some((d) => sameSpan(d.span, specifier.span))),
    );
    if (remove.size > 0) edits.push(...removeSpecifiers(state.source, declaration, remove));
  }
  const merged = mergeDeletions(edits);
  if (merged.length === 0 || !parses(state, merged)) return undefined;
  return { title: "Remove all unused imports", kind: "source", edits: merged };
}

/** The last import of each module the manifest imports, by specifier, in source order of first import. */
function importsBySource(document: FlowDocument): Map<string, ImportDeclaration> {
  const bySource = new Map<string, ImportDeclaration>();
  for (const declaration of document.imports) bySource.set(declaration.source.value, declaration);
  return bySource;
}

/** The import specifier whose imported name is at `span`. */
function specifierAt(
  document: FlowDocument,
  span: Span,
): { declaration: ImportDeclaration; specifier: ImportSpecifier } | undefined {
  for (const declaration of document.imports) {
    for (const specifier of declaration.specifiers) {
      if (sameSpan(specifier.imported.span, span)) return { declaration, specifier };
    }
  }
  return undefined;
}

/** Whether the manifest with `edits` made still parses without error. */
function parses(state: ManifestState, edits: readonly TextEdit[]): boolean {
  const text = applyEdits(state.source.text, edits);
  return !hasErrors(parse(createSourceText(state.source.path, text)).diagnostics);
}

/** Whether two spans overlap or meet (a cursor at either end of a diagnostic touches it). */
function touches(a: Span, b: Span): boolean {
  return a.start <= b.end && b.start <= a.end;
}

function within(inner: Span, outer: Span): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

function sameSpan(a: Span, b: Span): boolean {
  return a.start === b.start && a.end === b.end;
}
