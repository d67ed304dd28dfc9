import { parse } from "../../grammar/index.js";
import { createSourceText, positionAt, type SourceText } from "../../grammar/source.js";
import { analysisOf, type Analysis } from "../../src/analysis.js";
import { bind } from "../../src/bind/bind.js";
import { check } from "../../src/check/check.js";
import type { CheckOptions } from "../../src/check/types.js";
import type { FlowDocument } from "../../grammar/ast.js";
import { sortDiagnostics, type Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import { limitDiagnostics } from "../../grammar/diagnostics/limit.js";
import { resolve, untypedHost } from "../../src/resolve/resolve.js";
import type { ModuleHost, Resolution } from "../../src/resolve/types.js";

/** A module's exports for a fake host: export name → whether it is a function. */
export type ExportTable = Readonly<Record<string, Readonly<Record<string, boolean>>>>;

/** A host that knows exactly the modules of `table` (by specifier) and nothing else. */
export function tableHost(table: ExportTable): ModuleHost {
  return {
    resolveModule(specifier) {
      const exports = Object.hasOwn(table, specifier) ? table[specifier] : undefined;
      if (exports === undefined) return undefined;
      return {
        path: `/modules/${specifier.replace(/^\.\//, "")}.ts`,
        exports: new Map(Object.entries(exports).map(([name, isFunction]) => [name, { isFunction }])),
      };
    },
  };
}

export interface Checked {
  readonly source: SourceText;
  readonly syntax: readonly Diagnostic[];
  readonly resolution: Resolution;
  readonly analysis: Analysis;
  /** Resolution and check diagnostics together, in print order. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * parse → resolve → check, as the compiler runs them, with at most `limit` diagnostics
 * (the compiler's `diagnosticsPerFile` unless given) and one that counts the rest.
 */
export function runCheck(
  text: string,
  options: { path?: string; host?: ModuleHost; check?: CheckOptions; limit?: number } = {},
): Checked {
  const source = createSourceText(options.path ?? "etl.flow", text);
  const parsed = parse(source, { limit: options.limit });
  const resolution = resolve(parsed.document, source, options.host ?? untypedHost);
  const analysis = analyse(parsed.document, source, resolution, options.check);
  const diagnostics = sortDiagnostics([...resolution.diagnostics, ...analysis.diagnostics]);
  return {
    source,
    syntax: parsed.diagnostics,
    resolution,
    analysis,
    diagnostics: limitDiagnostics(source.path, diagnostics, { limit: options.limit }),
  };
}

/** bind → check → plan after resolve, as `compile` runs them: the analysis the type-check reads. */
export function analyse(
  document: FlowDocument,
  source: SourceText,
  resolution: Resolution,
  options: CheckOptions = {},
): Analysis {
  const bound = bind(document, source);
  return analysisOf(resolution, bound, check(bound, resolution, options));
}

export interface PrintedDiagnostic {
  readonly code: number;
  readonly severity: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly message: string;
}

/** A diagnostic with its span turned into 1-based lines and columns. */
export function printed(source: SourceText, diagnostic: Diagnostic): PrintedDiagnostic {
  const start = positionAt(source, diagnostic.span.start);
  const end = positionAt(source, diagnostic.span.end);
  return {
    code: diagnostic.code,
    severity: diagnostic.severity,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    message: diagnostic.message,
  };
}

/** Related locations as `line:column message`, for compact assertions. */
export function relatedAt(source: SourceText, diagnostic: Diagnostic): string[] {
  return diagnostic.related.map((r) => {
    const { line, column } = positionAt(source, r.span.start);
    return `${line}:${column} ${r.message}`;
  });
}
