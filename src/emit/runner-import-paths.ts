import path from "node:path";
import type { FlowDocument } from "../../grammar/ast.js";
import type { SourceText } from "../../grammar/source.js";
import { Messages } from "../../grammar/diagnostics/catalogue.js";
import { createDiagnostic, type Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import { isPathSpecifier, printableSpecifier, urlUnsafeCharacter } from "../resolve/module-path-characters.js";
import type { Resolution } from "../resolve/types.js";
import { relativeImportSpecifier } from "../typecheck/module-specifier.js";

/**
 * The runner imports each methods module by its path from where the runner
 * is written, which may pass through folders the manifest's own imports do
 * not name (`--out-dir out` with modules under `we%41rd/`). Node reads that
 * path as a URL, so the same characters as at resolution (FLOW2018, FLOW2019)
 * are refused in it, at the import (or first mention) the module comes from.
 */
export function runnerImportPathDiagnostics(
  document: FlowDocument,
  source: SourceText,
  resolution: Resolution,
  outFile: string,
): Diagnostic[] {
  const outDir = path.dirname(path.resolve(outFile));
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  for (const binding of resolution.bindings.values()) {
    if (binding.modulePath === undefined || !isPathSpecifier(binding.module) || reported.has(binding.module)) continue;
    const specifier = relativeImportSpecifier(outDir, binding.modulePath);
    const unsafe = urlUnsafeCharacter(specifier, undefined, source.path);
    if (unsafe === undefined) continue;
    reported.add(binding.module);
    const declaration = document.imports.find((candidate) => candidate.source.value === binding.module);
    const args = [printableSpecifier(specifier), unsafe.shown, unsafe.why];
    diagnostics.push(
      declaration === undefined
        ? createDiagnostic(Messages.DefaultModulePathNotUrlSafe, source.path, binding.declaration.span, args)
        : createDiagnostic(Messages.ModulePathNotUrlSafe, source.path, declaration.source.span, args),
    );
  }
  return diagnostics;
}
