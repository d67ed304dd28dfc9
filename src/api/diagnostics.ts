/**
 * Diagnostics as the public API hands them out: plain data with 1-based lines and
 * columns, the same fields `flowc check --format json` prints (their fixes included), plus
 * the offsets and the related locations, so that a tool can place them in an editor.
 */
import { createSourceText, positionAt, type SourceText } from "../../grammar/source.js";
import type { Severity } from "../../grammar/diagnostics/catalogue.js";
import { sortDiagnostics, type Diagnostic as CompilerDiagnostic } from "../../grammar/diagnostics/diagnostic.js";
import { formatDiagnosticsText, toJsonDiagnostic } from "../diagnostics/printer.js";

/** A location a diagnostic points to besides its own ("first set here", an edge of a cycle). */
export interface RelatedLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Offsets of the span in the file's text. */
  readonly start: number;
  readonly end: number;
  readonly message: string;
}

/** One problem found in a manifest (or in a file it depends on: a methods module, the tsconfig). */
export interface Diagnostic {
  /** The file, as the manifest's path was given (a methods module's path relative to it). */
  readonly file: string;
  /** 1-based position of the first character. */
  readonly line: number;
  readonly column: number;
  /** 1-based position just past the last character. */
  readonly endLine: number;
  readonly endColumn: number;
  /** Offsets (UTF-16 code units) of the same span in the file's text. */
  readonly start: number;
  readonly end: number;
  readonly severity: Severity;
  /** `FLOW1001` …: every code is documented in grammar/REFERENCE.md. */
  readonly code: string;
  readonly message: string;
  readonly related: readonly RelatedLocation[];
  /**
   * The ways to fix it, when the compiler knows them (a misspelt name, an unused import,
   * a missing `;`): an editor offers each as a quick fix. Absent when there are none.
   */
  readonly fixes?: readonly DiagnosticFix[];
}

/** One way to fix a diagnostic: a title for a menu and the edits that make it, all together. */
export interface DiagnosticFix {
  /** E.g. `Change to 'load'`, `Remove unused import 'total'`. */
  readonly title: string;
  /** Whether it is almost certainly what was meant (an editor may apply it with one key). */
  readonly preferred: boolean;
  /** Edits of the diagnostic's file, none overlapping another; positions are of the text before any is made. */
  readonly edits: readonly DiagnosticEdit[];
}

/** Replaces the text of a span with `text`: an insertion when the span is empty, a deletion when `text` is. */
export interface DiagnosticEdit {
  /** 1-based position of the first character replaced. */
  readonly line: number;
  readonly column: number;
  /** 1-based position just past the last character replaced. */
  readonly endLine: number;
  readonly endColumn: number;
  /** Offsets (UTF-16 code units) of the same span. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The text of every file diagnostics point into, by path: what `printDiagnostics` shows code frames from. */
export type DiagnosticSources = Readonly<Record<string, string>>;

export interface PrintOptions {
  /** `text`: compiler-style lines with code frames and a summary; `json`: one JSON array, as `--format json`. */
  readonly format?: "text" | "json";
  /** Colour the text (ANSI). @default false */
  readonly color?: boolean;
}

/** A result that carries its diagnostics and the text of the files they point into. */
export interface WithDiagnostics {
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: DiagnosticSources;
}

/**
 * Prints diagnostics the way the CLI does: in text, `file:line:column - error FLOW4001: …`
 * with a code frame under each (from `sources`) and a summary line; in JSON, the array
 * `flowc check --format json` prints. Pass a result of `compile`, `check` or `format`
 * (which carries its sources), or diagnostics and their sources.
 *
 * @example
 * const result = await check("etl.flow");
 * if (!result.ok) process.stderr.write(printDiagnostics(result));
 */
export function printDiagnostics(
  input: WithDiagnostics | readonly Diagnostic[],
  options: PrintOptions & { readonly sources?: DiagnosticSources } = {},
): string {
  const diagnostics = "diagnostics" in input ? input.diagnostics : input;
  const texts = "diagnostics" in input ? input.sources : (options.sources ?? {});
  const sources = new Map<string, SourceText>();
  const lookup = (file: string): SourceText | undefined => {
    let source = sources.get(file);
    const text = texts[file];
    if (source === undefined && text !== undefined) {
      source = createSourceText(file, text);
      sources.set(file, source);
    }
    return source;
  };
  const internal = sortDiagnostics(diagnostics.map(toCompilerDiagnostic));
  if (options.format === "json") {
    return `${JSON.stringify(
      internal.map((d) => toJsonDiagnostic(d, lookup)),
      null,
      2,
    )}\n`;
  }
  return formatDiagnosticsText(internal, lookup, { color: options.color ?? false });
}

/** The public form of the compiler's diagnostics, with positions computed from `sources`. */
export function toPublicDiagnostics(
  diagnostics: readonly CompilerDiagnostic[],
  sources: readonly SourceText[],
): Diagnostic[] {
  const byPath = new Map(sources.map((source) => [source.path, source]));
  return sortDiagnostics(diagnostics).map((diagnostic) => {
    const { fixes: jsonFixes, ...json } = toJsonDiagnostic(diagnostic, (file) => byPath.get(file));
    const placed: Diagnostic = {
      ...json,
      start: diagnostic.span.start,
      end: diagnostic.span.end,
      related: diagnostic.related.map((related) => {
        const source = byPath.get(related.file);
        const at = source === undefined ? { line: 1, column: 1 } : positionAt(source, related.span.start);
        const { start, end } = related.span;
        return { file: related.file, line: at.line, column: at.column, start, end, message: related.message };
      }),
    };
    if (jsonFixes === undefined) return placed;
    // The printed fixes, in the same order as the compiler's, with the offsets of each edit.
    const fixes = jsonFixes.map((fix, i) => ({
      ...fix,
      edits: fix.edits.map((edit, j) => ({ ...edit, ...diagnostic.fixes![i]!.edits[j]!.span })),
    }));
    return { ...placed, fixes };
  });
}

/** The text of each source, by path. */
export function sourceTexts(sources: readonly SourceText[]): DiagnosticSources {
  return Object.fromEntries(sources.map((source) => [source.path, source.text]));
}

function toCompilerDiagnostic(diagnostic: Diagnostic): CompilerDiagnostic {
  return {
    code: Number(diagnostic.code.replace(/^FLOW/, "")),
    severity: diagnostic.severity,
    message: diagnostic.message,
    file: diagnostic.file,
    span: { start: diagnostic.start, end: diagnostic.end },
    related: diagnostic.related.map((related) => ({
      file: related.file,
      span: { start: related.start, end: related.end },
      message: related.message,
    })),
    ...(diagnostic.fixes === undefined
      ? {}
      : {
          fixes: diagnostic.fixes.map((fix) => ({
            title: fix.title,
            preferred: fix.preferred,
            edits: fix.edits.map((edit) => ({ span: { start: edit.start, end: edit.end }, text: edit.text })),
          })),
        }),
  };
}
