import path from "node:path";
import type { FlowDocument, Identifier, ImportDeclaration, ImportSpecifier, Span } from "../../grammar/ast.js";
import type { SourceText } from "../../grammar/source.js";
import { Messages, type DiagnosticMessage } from "../../grammar/diagnostics/catalogue.js";
import {
  closestMatch,
  createDiagnostic,
  meantText,
  sortDiagnostics,
  type Diagnostic,
  type DiagnosticFix,
  type RelatedLocation,
} from "../../grammar/diagnostics/diagnostic.js";
import { diagnosticsPerFile } from "../../grammar/diagnostics/limit.js";
import { defaultModuleSpecifier, likelySourcePath } from "./manifest-name.js";
import { isPathSpecifier, printableSpecifier, urlUnsafeCharacter } from "./module-path-characters.js";
import { exportNameProblem, isThenable, methodNameProblem } from "./reserved-words.js";
import { methodMentions } from "./mentions.js";
import { nameFixes } from "./name-fixes.js";
import type { MethodBinding, ModuleHost, ModuleInfo, Resolution } from "./types.js";

/**
 * A host that accepts every specifier and knows nothing about exports, for the
 * phases that run without type information (formatting, graph rendering, benchmarks).
 */
export const untypedHost: ModuleHost = {
  resolveModule(specifier: string, fromFile: string): ModuleInfo {
    const candidate = likelySourcePath(specifier, fromFile);
    return { path: candidate === undefined ? specifier : path.resolve(candidate), exports: undefined };
  },
};

interface ImportedName {
  readonly specifier: ImportSpecifier;
  readonly declaration: ImportDeclaration;
  readonly module: ModuleInfo | undefined;
}

/**
 * Binds every method name of the manifest to the module and export it comes from.
 * Names an import mentions come from that import; every other name comes from the
 * manifest's sibling module `./<manifest>.methods`.
 *
 * A name that cannot name a method (a reserved word, `__proto__`) is reported once, and
 * nothing else is said about it here; `Resolution.invalidNames` tells later phases to keep
 * quiet about it too.
 */
export function resolve(document: FlowDocument, source: SourceText, host: ModuleHost): Resolution {
  const file = source.path;
  const diagnostics: Diagnostic[] = [];
  const report = (
    message: DiagnosticMessage,
    span: Span,
    args: readonly (string | number)[],
    related: readonly RelatedLocation[] = [],
    fixes: readonly DiagnosticFix[] = [],
  ): void => {
    diagnostics.push(createDiagnostic(message, file, span, args, related, fixes));
  };
  const fixes = nameFixes(document, source);

  const modules = new Map<string, ModuleInfo | undefined>();
  // A thenable module is reported once, where it is first named, whatever is taken from it.
  const thenable = new Set<string>();
  // A method named `then` is refused as such (FLOW2020), which says it all.
  const namesThen =
    [...methodMentions(document).keys()].some((name) => methodNameProblem(name) === Messages.ThenName) ||
    document.imports.some((declaration) =>
      declaration.specifiers.some((specifier) => exportNameProblem(specifier.imported.name) === Messages.ThenName),
    );
  const checkThenable = (module: ModuleInfo, specifier: string, span: Span): void => {
    if (namesThen || module.exports === undefined || !isThenable(module.exports) || thenable.has(specifier)) return;
    thenable.add(specifier);
    report(Messages.ThenableModule, span, [specifier]);
  };
  const lookUp = (specifier: string): ModuleInfo | undefined => {
    if (!modules.has(specifier)) {
      let info: ModuleInfo | undefined;
      try {
        info = host.resolveModule(specifier, file);
      } catch {
        // A host that fails to read a module has not found it; the diagnostic below says so.
        info = undefined;
      }
      modules.set(specifier, info);
    }
    return modules.get(specifier);
  };

  // Each guess compares a name with every candidate. Past the diagnostics a file reports,
  // guesses would be made for diagnostics nobody sees, at a cost that grows with both counts.
  let guesses = 0;
  const mayGuess = (): boolean => guesses++ < diagnosticsPerFile;

  /** Reports a name `module` does not export as a function; `rename` fixes a misspelt one. */
  const checkExport = (
    module: ModuleInfo,
    specifier: string,
    exportName: string,
    at: Identifier,
    rename: (to: string) => readonly DiagnosticFix[],
  ): void => {
    const exports = module.exports;
    if (exports === undefined) return;
    const exported = exports.get(exportName);
    if (exported === undefined) {
      const guess = mayGuess() ? closestMatch(exportName, exports.keys()) : undefined;
      const fixed = guess === undefined ? [] : rename(guess);
      report(Messages.MethodNotExported, at.span, [specifier, exportName, meantText(guess)], [], fixed);
    } else if (!exported.isFunction) {
      report(Messages.NotAFunction, at.span, [exportName, specifier]);
    }
  };

  const notFoundArgs = (specifier: string): [string, string] => {
    const candidate = likelySourcePath(specifier, file);
    return [specifier, candidate ?? `package '${specifier}'`];
  };

  // Names reported as unusable: whatever else could be said about them (their module, their
  // export, that they go unused) would only repeat that they must be renamed.
  const invalidNames = new Set<string>();
  const refuseName = (name: Identifier, problem: DiagnosticMessage | undefined): boolean => {
    if (problem === undefined) return false;
    report(problem, name.span, [name.name]);
    invalidNames.add(name.name);
    return true;
  };

  const imported = new Map<string, ImportedName>();
  for (const declaration of document.imports) {
    const specifierText = declaration.source.value;
    const module = lookUp(specifierText);
    const unsafe = isPathSpecifier(specifierText) ? urlUnsafeCharacter(specifierText, module?.path, file) : undefined;
    if (unsafe !== undefined) {
      report(Messages.ModulePathNotUrlSafe, declaration.source.span, [
        printableSpecifier(specifierText),
        unsafe.shown,
        unsafe.why,
      ]);
    }
    if (module === undefined) report(Messages.ModuleNotFound, declaration.source.span, notFoundArgs(specifierText));
    else checkThenable(module, specifierText, declaration.source.span);
    for (const specifier of declaration.specifiers) {
      const local = specifier.local;
      const first = imported.get(local.name);
      if (first !== undefined) {
        // The resolver reads the manifest without it: taking it out changes nothing else. Obviously
        // meant when it imports the same export of the same module again.
        const same =
          first.specifier.imported.name === specifier.imported.name && first.declaration.source.value === specifierText;
        report(
          Messages.DuplicateImport,
          local.span,
          [local.name],
          [{ file, span: first.specifier.local.span, message: `'${local.name}' is first imported here.` }],
          fixes.removeSpecifier(declaration, specifier, `Remove the second import of '${local.name}'`, same),
        );
        continue;
      }
      imported.set(local.name, { specifier, declaration, module });
      const localRefused = refuseName(local, methodNameProblem(local.name));
      // Without `as` the exported name is the local one: refused, it is not looked for in the module.
      const exported = specifier.imported;
      const exportRefused = exported === local ? localRefused : refuseName(exported, exportNameProblem(exported.name));
      if (module !== undefined && !exportRefused) {
        checkExport(module, specifierText, exported.name, exported, (to) => fixes.renameImport(specifier, to));
      }
    }
  }

  const firstMentions = methodMentions(document);

  const defaultSpecifier = defaultModuleSpecifier(file);
  const suggestImport = importSuggester(imported);
  // Imports offered in place of a misspelt name: that they go unused is the same mistake.
  const suggested = new Set<string>();
  let defaultModuleReported = false;
  // Its path is judged once, at the first name taken from it.
  let defaultModuleChecked = false;
  const bindings = new Map<string, MethodBinding>();
  for (const [name, mention] of firstMentions) {
    const fromImport = imported.get(name);
    if (fromImport !== undefined) {
      bindings.set(name, {
        name,
        exportName: fromImport.specifier.imported.name,
        module: fromImport.declaration.source.value,
        modulePath: fromImport.module?.path,
        declaration: fromImport.specifier.local,
      });
      continue;
    }
    const binding = { name, exportName: name, module: defaultSpecifier, declaration: mention };
    if (refuseName(mention, methodNameProblem(name))) {
      // Not looked up: its module could only be reported missing, or its export absent, because of it.
      bindings.set(name, { ...binding, modulePath: undefined });
      continue;
    }
    const module = lookUp(defaultSpecifier);
    bindings.set(name, { ...binding, modulePath: module?.path });
    const unsafe = defaultModuleChecked ? undefined : urlUnsafeCharacter(defaultSpecifier, module?.path, file);
    defaultModuleChecked = true;
    if (unsafe !== undefined) {
      report(Messages.DefaultModulePathNotUrlSafe, mention.span, [
        printableSpecifier(defaultSpecifier),
        unsafe.shown,
        unsafe.why,
      ]);
    }
    const exported = module === undefined ? undefined : module.exports;
    const missing = module === undefined || (exported !== undefined && !exported.has(name));
    const suggestion = missing && mayGuess() ? suggestImport(name) : undefined;
    if (suggestion !== undefined) {
      // Most likely a typo of an imported name rather than a method of the default module.
      const absence =
        module === undefined
          ? `there is no module '${defaultSpecifier}' (looked for ${notFoundArgs(defaultSpecifier)[1]})`
          : `'${defaultSpecifier}' has no export '${name}'`;
      report(
        Messages.NotImported,
        mention.span,
        [name, absence, suggestion.name, suggestion.origin],
        [],
        fixes.useImport(name, suggestion.name),
      );
      suggested.add(suggestion.name);
    } else if (module === undefined) {
      // One report for the whole default module: every further name would repeat it.
      if (!defaultModuleReported) report(Messages.ModuleNotFound, mention.span, notFoundArgs(defaultSpecifier));
      defaultModuleReported = true;
    } else {
      checkThenable(module, defaultSpecifier, mention.span);
      checkExport(module, defaultSpecifier, name, mention, (to) => fixes.renameMentions(name, to));
    }
  }

  for (const [name, { specifier, declaration }] of imported) {
    if (firstMentions.has(name) || invalidNames.has(name) || suggested.has(name)) continue;
    const remove = fixes.removeSpecifier(declaration, specifier, `Remove unused import '${name}'`, true);
    report(Messages.UnusedImport, specifier.span, [name], [], remove);
  }

  return { bindings, invalidNames, diagnostics: sortDiagnostics(diagnostics) };
}

const minimumGuessLength = 3;

/**
 * For a name no import mentions, the import it most likely misspells: the closest local
 * name, or the local name of an aliased import whose exported name is closest.
 */
function importSuggester(
  imported: ReadonlyMap<string, ImportedName>,
): (name: string) => { readonly name: string; readonly origin: string } | undefined {
  const byCandidate = new Map<string, ImportedName>();
  for (const [local, entry] of imported) byCandidate.set(local, entry);
  for (const entry of imported.values()) {
    const exported = entry.specifier.imported.name;
    if (!byCandidate.has(exported)) byCandidate.set(exported, entry);
  }
  return (name) => {
    // One edit turns any short name into another: only longer names are worth a guess.
    if (name.length < minimumGuessLength) return undefined;
    const closest = closestMatch(
      name,
      [...byCandidate.keys()].filter((c) => c.length >= minimumGuessLength),
    );
    const entry = closest === undefined ? undefined : byCandidate.get(closest);
    if (entry === undefined) return undefined;
    const { imported: exported, local } = entry.specifier;
    const from = `'${entry.declaration.source.value}'`;
    const origin =
      exported.name === local.name
        ? `imported from ${from}`
        : `'${exported.name}' imported from ${from} as '${local.name}'`;
    return { name: local.name, origin };
  };
}
