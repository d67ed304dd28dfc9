import path from "node:path";
import { expect } from "vitest";
import type { Diagnostic, DiagnosticFix } from "../../grammar/diagnostics/diagnostic.js";
import { applyEdits } from "../../grammar/diagnostics/fixes.js";
import { createSourceText } from "../../grammar/source.js";
import { compile, type CompileResult } from "../../src/compile.js";
import { createTypeScriptServices, type WarmTypeScriptServices } from "../../src/typescript-services.js";

/**
 * Manifests are compiled as `etl.flow` in test/fixtures/fixes, whose `etl.methods.ts` is
 * their default module and `sources.ts` a module they import from: real modules, read by
 * the real TypeScript.
 */
export const manifestPath = path.resolve(import.meta.dirname, "../fixtures/fixes/etl.flow");

let services: WarmTypeScriptServices | undefined;

/** Compiles a manifest's text as `flowc check` would, types included. */
export async function compileText(text: string): Promise<CompileResult> {
  services ??= createTypeScriptServices();
  return compile(createSourceText(manifestPath, text), {}, services);
}

/** Ends the TypeScript the helpers started; for a test file's `afterAll`. */
export function closeServices(): void {
  services?.close();
  services = undefined;
}

export function errorCodes(diagnostics: readonly Diagnostic[]): number[] {
  return diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
}

/** `FLOW2003 Change to 'load'`: what a diagnostic offers, for readable failures. */
export function offered(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.flatMap((d) => (d.fixes ?? []).map((f) => `FLOW${d.code} ${f.title}${f.preferred ? " *" : ""}`));
}

/**
 * Applies `fix` of `diagnostic` to `text`, compiles the result and asserts what every fix
 * must do: the result parses wherever the text did, and has fewer diagnostics of that code.
 * Returns the compilation of the fixed text.
 */
export async function applyAndCheck(
  text: string,
  before: CompileResult,
  diagnostic: Diagnostic,
  fix: DiagnosticFix,
): Promise<{ readonly text: string; readonly after: CompileResult }> {
  const fixed = applyEdits(text, fix.edits);
  const after = await compileText(fixed);
  const context = `FLOW${diagnostic.code} "${fix.title}" on:\n${text}\ngave:\n${fixed}`;
  const syntax = (result: CompileResult) => errorCodes(result.diagnostics).filter((code) => code < 2000);
  if (syntax(before).length === 0) expect(syntax(after), context).toEqual([]);
  const count = (result: CompileResult) => result.diagnostics.filter((d) => d.code === diagnostic.code).length;
  expect(count(after), context).toBeLessThan(count(before));
  return { text: fixed, after };
}
