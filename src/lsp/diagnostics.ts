/**
 * The compiler's diagnostics as the protocol's, all on the manifest: one in the manifest is
 * where the compiler put it; one in another file — a methods module's own TypeScript error
 * (FLOW4012), the tsconfig's (FLOW4013) — is shown on the manifest where that file comes
 * in (the import that names the module), saying where it is and linking there. It is not
 * published on that file: the editor's TypeScript already reports it there.
 */
import path from "node:path";
import {
  DiagnosticSeverity,
  DiagnosticTag,
  type Diagnostic as LspDiagnostic,
  type DiagnosticRelatedInformation,
} from "vscode-languageserver";
import type { Span } from "../../grammar/ast.js";
import { Messages } from "../../grammar/diagnostics/catalogue.js";
import type { Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import { positionAt, type SourceText } from "../../grammar/source.js";
import type { CompileResult } from "../compile.js";
import { codeOf } from "../diagnostics/printer.js";
import { pathToUri, toRange } from "./convert.js";

/** The codes of what is merely unnecessary, which editors fade out rather than underline: an import never used. */
const UNNECESSARY: ReadonlySet<number> = new Set([Messages.UnusedImport.code]);

/** The text of a file a diagnostic points into, by absolute path; `undefined` when it cannot be read. */
export type TextLookup = (file: string) => SourceText | undefined;

/** Where the manifest's document is, for locations in it. */
export interface ManifestPlace {
  readonly uri: string;
  readonly source: SourceText;
}

/** The diagnostics of a compilation of the manifest, on the manifest. */
export function toLspDiagnostics(result: CompileResult, manifest: ManifestPlace, texts: TextLookup): LspDiagnostic[] {
  const anchors = moduleAnchors(result);
  return result.diagnostics.map((diagnostic) => {
    const converted = convert(diagnostic, manifest, texts);
    if (isInManifest(diagnostic.file, manifest)) return converted;
    // Elsewhere: on the manifest, where the file comes in.
    const file = path.resolve(path.dirname(manifest.source.path), diagnostic.file);
    const text = texts(file);
    const where = text === undefined ? undefined : positionAt(text, diagnostic.span.start);
    const shown = path.relative(path.dirname(manifest.source.path), file);
    const here: DiagnosticRelatedInformation[] =
      text === undefined
        ? []
        : [{ location: { uri: pathToUri(file), range: toRange(text, diagnostic.span) }, message: `In ${shown}` }];
    return {
      ...converted,
      range: toRange(manifest.source, anchors.get(file) ?? anchors.get("") ?? { start: 0, end: 0 }),
      message: `${diagnostic.message} (${shown}${where === undefined ? "" : `:${where.line}:${where.column}`})`,
      relatedInformation: [...here, ...(converted.relatedInformation ?? [])],
    };
  });
}

/** The one diagnostic that says the manifest could not be compiled at all, at its start. */
export function compileFailure(message: string): LspDiagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Error,
    source: "flowc",
    message: `flowc could not compile this manifest: ${message}`,
  };
}

/** A diagnostic of the manifest (or one whose file is ignored) in the protocol's terms. */
export function convert(diagnostic: Diagnostic, manifest: ManifestPlace, texts: TextLookup): LspDiagnostic {
  const related = diagnostic.related.flatMap((location): DiagnosticRelatedInformation[] => {
    if (isInManifest(location.file, manifest)) {
      return [
        { location: { uri: manifest.uri, range: toRange(manifest.source, location.span) }, message: location.message },
      ];
    }
    const file = path.resolve(path.dirname(manifest.source.path), location.file);
    const text = texts(file);
    return text === undefined
      ? []
      : [{ location: { uri: pathToUri(file), range: toRange(text, location.span) }, message: location.message }];
  });
  return {
    range: toRange(manifest.source, diagnostic.span),
    severity: diagnostic.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: codeOf(diagnostic),
    source: "flowc",
    message: diagnostic.message,
    ...(related.length > 0 ? { relatedInformation: related } : {}),
    ...(UNNECESSARY.has(diagnostic.code) ? { tags: [DiagnosticTag.Unnecessary] } : {}),
  };
}

function isInManifest(file: string, manifest: ManifestPlace): boolean {
  return (
    file === manifest.source.path || path.resolve(path.dirname(manifest.source.path), file) === manifest.source.path
  );
}

/**
 * Where each methods module comes into the manifest, by absolute path: the module string of
 * the import that names it, or the first mention of a method it gives by default; under `""`,
 * the place for files that come in no one place (the tsconfig, a file a module imports): the
 * first import's module string, else the first method named.
 */
function moduleAnchors(result: CompileResult): Map<string, Span> {
  const anchors = new Map<string, Span>();
  const document = result.document;
  for (const binding of result.resolution?.bindings.values() ?? []) {
    if (binding.modulePath === undefined || anchors.has(binding.modulePath)) continue;
    const declaration = document.imports.find((declaration) =>
      declaration.specifiers.some((specifier) => specifier.local === binding.declaration),
    );
    anchors.set(binding.modulePath, declaration?.source.span ?? binding.declaration.span);
  }
  const first = document.imports[0]?.source.span ?? document.groups[0]?.methods[0]?.span;
  if (first !== undefined) anchors.set("", first);
  return anchors;
}
