import path from "node:path";
import type { FlowDocument, Identifier, ImportDeclaration, ImportSpecifier, Span } from "../../grammar/ast.js";
import type { SourceText } from "../../grammar/source.js";
import { Messages, type DiagnosticMessage } from "../diagnostics/catalogue.js";
import {
  createDiagnostic,
  didYouMean,
  sortDiagnostics,
  type Diagnostic,
  type RelatedLocation,
} from "../diagnostics/diagnostic.js";
import { defaultModuleSpecifier, likelySourcePath } from "./manifest-name.js";
import { isReservedWord } from "./reserved-words.js";
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
 */
export function resolve(document: FlowDocument, source: SourceText, host: ModuleHost): Resolution {
  const file = source.path;
  const diagnostics: Diagnostic[] = [];
  const report = (
    message: DiagnosticMessage,
    span: Span,
    args: readonly (string | number)[],
    related: readonly RelatedLocation[] = [],
  ): void => {
    diagnostics.push(createDiagnostic(message, file, span, args, related));
  };

  const modules = new Map<string, ModuleInfo | undefined>();
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

  const checkExport = (module: ModuleInfo, specifier: string, exportName: string, at: Identifier): void => {
    const exports = module.exports;
    if (exports === undefined) return;
    const exported = exports.get(exportName);
    if (exported === undefined) {
      report(Messages.MethodNotExported, at.span, [specifier, exportName, didYouMean(exportName, exports.keys())]);
    } else if (!exported.isFunction) {
      report(Messages.NotAFunction, at.span, [exportName, specifier]);
    }
  };

  const notFoundArgs = (specifier: string): [string, string] => {
    const candidate = likelySourcePath(specifier, file);
    return [specifier, candidate ?? `package '${specifier}'`];
  };

  const imported = new Map<string, ImportedName>();
  for (const declaration of document.imports) {
    const specifierText = declaration.source.value;
    const module = lookUp(specifierText);
    if (module === undefined) report(Messages.ModuleNotFound, declaration.source.span, notFoundArgs(specifierText));
    for (const specifier of declaration.specifiers) {
      const local = specifier.local;
      const first = imported.get(local.name);
      if (first !== undefined) {
        report(
          Messages.DuplicateImport,
          local.span,
          [local.name],
          [{ file, span: first.specifier.local.span, message: `'${local.name}' is first imported here.` }],
        );
        continue;
      }
      imported.set(local.name, { specifier, declaration, module });
      if (isReservedWord(local.name)) report(Messages.InvalidIdentifier, local.span, [local.name]);
      if (module !== undefined) checkExport(module, specifierText, specifier.imported.name, specifier.imported);
    }
  }

  const firstMentions = new Map<string, Identifier>();
  for (const group of document.groups) {
    for (const mention of group.methods) {
      if (!firstMentions.has(mention.name)) firstMentions.set(mention.name, mention);
    }
  }

  const defaultSpecifier = defaultModuleSpecifier(file);
  let defaultModuleReported = false;
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
    if (isReservedWord(name)) report(Messages.InvalidIdentifier, mention.span, [name]);
    const module = lookUp(defaultSpecifier);
    if (module === undefined) {
      // One report for the whole default module: every further name would repeat it.
      if (!defaultModuleReported) report(Messages.ModuleNotFound, mention.span, notFoundArgs(defaultSpecifier));
      defaultModuleReported = true;
    } else {
      checkExport(module, defaultSpecifier, name, mention);
    }
    bindings.set(name, {
      name,
      exportName: name,
      module: defaultSpecifier,
      modulePath: module?.path,
      declaration: mention,
    });
  }

  for (const [name, { specifier }] of imported) {
    if (!firstMentions.has(name)) report(Messages.UnusedImport, specifier.span, [name]);
  }

  return { bindings, diagnostics: sortDiagnostics(diagnostics) };
}
