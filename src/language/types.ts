/**
 * The language service: what an editor asks of one manifest (hover, definition, completion,
 * fixes, layout…), answered from what the compiler made of it. Everything here is in the
 * compiler's own terms — character offsets into the manifest's text, its AST and
 * diagnostics — so that it can be tested without a protocol; src/lsp/ turns it into the
 * Language Server Protocol.
 */
import type { Span } from "../../grammar/ast.js";
import type { Diagnostic, TextEdit } from "../../grammar/diagnostics/diagnostic.js";
import type { SourceText } from "../../grammar/source.js";
import type { CompileResult } from "../compile.js";
import type { ModuleHost } from "../resolve/types.js";
import type { SourceLocation, TypedPlan } from "../typecheck/types.js";

export type { TextEdit } from "../../grammar/diagnostics/diagnostic.js";
export type { SourceLocation } from "../typecheck/types.js";

/** One manifest as an editor holds it, with what the compiler made of that text. */
export interface ManifestState {
  /** The text in the editor; `path` is absolute. */
  readonly source: SourceText;
  /**
   * The compilation of exactly this text: the document always (the parser recovers), the
   * later phases as far as the earlier found no error, types when they were read.
   */
  readonly compiled: CompileResult;
  /**
   * Finds the modules the manifest may name and lists their exports (the TypeScript project
   * of its methods); `undefined` while types are not read.
   */
  readonly host: ModuleHost | undefined;
  /**
   * The most recent type-check of this manifest, possibly of an earlier text: hover and
   * definition answer from it for a method it knows while the current text has errors.
   */
  readonly lastTyped: TypedPlan | undefined;
}

/** A hover: markdown for the span under the cursor. */
export interface HoverInfo {
  readonly span: Span;
  readonly markdown: string;
}

/** A place in the manifest (`file` undefined) or in another file (a TypeScript module). */
export type Location =
  { readonly kind: "manifest"; readonly span: Span } | ({ readonly kind: "file" } & SourceLocation);

export type CompletionKind = "method" | "property" | "value" | "keyword" | "unit" | "module";

export interface CompletionEntry {
  readonly label: string;
  readonly kind: CompletionKind;
  /** One line beside the label: a method's signature, a property's value type. */
  readonly detail?: string | undefined;
  /** Markdown shown for the selected entry. */
  readonly documentation?: string | undefined;
  /** What is inserted, when not the label. */
  readonly insertText?: string | undefined;
  /** The text the entry replaces (the word typed so far); the cursor's position when absent. */
  readonly replace?: Span | undefined;
  /** Orders the entries (compared as strings; the label when absent): what is most likely meant first. */
  readonly sortText?: string | undefined;
}

export interface CodeActionEntry {
  readonly title: string;
  /** `quickfix` for a fix of a diagnostic; `source.organizeImports`-like actions are `source`. */
  readonly kind: "quickfix" | "source";
  /** The diagnostic it fixes, when it fixes one. */
  readonly diagnostic?: Diagnostic | undefined;
  readonly edits: readonly TextEdit[];
  readonly preferred?: boolean | undefined;
}

export type RenameResult =
  { readonly ok: true; readonly edits: readonly TextEdit[] } | { readonly ok: false; readonly reason: string };

export type SymbolKind = "group" | "method" | "import" | "backend" | "property";

export interface SymbolEntry {
  readonly name: string;
  readonly kind: SymbolKind;
  /** One line beside the name: a group's execution, a method's module. */
  readonly detail?: string | undefined;
  /** The whole construct. */
  readonly span: Span;
  /** The name within it. */
  readonly selection: Span;
  readonly children: readonly SymbolEntry[];
}

export interface FoldingEntry {
  /** Offsets of the first and last character of the folded region. */
  readonly start: number;
  readonly end: number;
  readonly kind?: "comment" | "imports" | "region" | undefined;
}

/** Semantic token types, in the order the server announces them (a token's `type` is an index). */
export const SEMANTIC_TOKEN_TYPES = [
  "function",
  "property",
  "enumMember",
  "number",
  "string",
  "keyword",
  "comment",
] as const;
/** Semantic token modifiers, in announced order (bit `1 << index`). */
export const SEMANTIC_TOKEN_MODIFIERS = ["declaration", "defaultLibrary"] as const;

export interface SemanticToken {
  readonly start: number;
  readonly length: number;
  readonly type: (typeof SEMANTIC_TOKEN_TYPES)[number];
  readonly modifiers: readonly (typeof SEMANTIC_TOKEN_MODIFIERS)[number][];
}
