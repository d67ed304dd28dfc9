/**
 * The editor features of src/language/ in the protocol's terms: each takes what the compiler
 * made of the manifest's current text and the request's parameters, and answers as the
 * protocol asks. Nothing here talks to the client; server.ts does.
 */
import {
  CodeActionKind,
  CompletionItemKind,
  FoldingRangeKind,
  SemanticTokensBuilder,
  SymbolKind as LspSymbolKind,
  type CodeAction,
  type CompletionItem,
  type DocumentSymbol,
  type FoldingRange,
  type Hover,
  type Location as LspLocation,
  type Position,
  type Range,
  type SemanticTokens,
  type SymbolInformation,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver";
import type { SourceText } from "../../grammar/source.js";
import * as language from "../language/index.js";
import type {
  CompletionKind,
  FoldingEntry,
  ManifestState,
  SymbolEntry,
  SymbolKind,
  TextEdit,
} from "../language/index.js";
import { toOffset, toPosition, toRange, toSpan, pathToUri } from "./convert.js";
import { convert, type TextLookup } from "./diagnostics.js";

/** The manifest a request is about: its document and what the compiler made of its current text. */
export interface Target {
  readonly uri: string;
  readonly version: number;
  readonly state: ManifestState;
}

export function hover(target: Target, position: Position): Hover | null {
  const found = language.hover(target.state, offsetOf(target, position));
  if (found === undefined) return null;
  return {
    contents: { kind: "markdown", value: found.markdown },
    range: toRange(target.state.source, found.span),
  };
}

export function definition(target: Target, position: Position, texts: TextLookup): LspLocation[] {
  return language.definition(target.state, offsetOf(target, position)).flatMap((location): LspLocation[] => {
    if (location.kind === "manifest") return [{ uri: target.uri, range: toRange(target.state.source, location.span) }];
    const text = texts(location.file);
    return text === undefined
      ? []
      : [{ uri: pathToUri(location.file), range: toRange(text, { start: location.start, end: location.end }) }];
  });
}

/** Go to declaration: the properties of every group that lists the method (see src/language/settings-locations.ts). */
export function declaration(target: Target, position: Position): LspLocation[] {
  return language
    .settingsLocations(target.state, offsetOf(target, position))
    .flatMap((location) =>
      location.kind === "manifest" ? [{ uri: target.uri, range: toRange(target.state.source, location.span) }] : [],
    );
}

export function references(target: Target, position: Position, includeDeclaration: boolean): LspLocation[] {
  return language
    .references(target.state, offsetOf(target, position), includeDeclaration)
    .map((span) => ({ uri: target.uri, range: toRange(target.state.source, span) }));
}

export function prepareRename(target: Target, position: Position): { range: Range; placeholder: string } | null {
  const found = language.prepareRename(target.state, offsetOf(target, position));
  return found === undefined
    ? null
    : { range: toRange(target.state.source, found.span), placeholder: found.placeholder };
}

/** The rename's edits, or why it cannot be made. */
export function rename(
  target: Target,
  position: Position,
  newName: string,
  versioned: boolean,
): { edit: WorkspaceEdit } | { reason: string } {
  const result = language.rename(target.state, offsetOf(target, position), newName);
  return result.ok ? { edit: workspaceEdit(target, result.edits, versioned) } : { reason: result.reason };
}

const COMPLETION_KINDS: Readonly<Record<CompletionKind, CompletionItemKind>> = {
  method: CompletionItemKind.Function,
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  keyword: CompletionItemKind.Keyword,
  unit: CompletionItemKind.Unit,
  module: CompletionItemKind.Module,
};

export function completion(target: Target, position: Position): CompletionItem[] {
  const source = target.state.source;
  return language.completion(target.state, offsetOf(target, position)).map((entry) => {
    const newText = entry.insertText ?? entry.label;
    return {
      label: entry.label,
      kind: COMPLETION_KINDS[entry.kind],
      ...(entry.detail === undefined ? {} : { detail: entry.detail }),
      ...(entry.sortText === undefined ? {} : { sortText: entry.sortText }),
      ...(entry.documentation === undefined
        ? {}
        : { documentation: { kind: "markdown" as const, value: entry.documentation } }),
      ...(entry.replace === undefined
        ? { insertText: newText }
        : { textEdit: { range: toRange(source, entry.replace), newText } }),
    };
  });
}

/** The fixes and source actions for `range`, of the kinds `only` asks for (every kind without it). */
export function codeActions(
  target: Target,
  range: Range,
  only: readonly string[] | undefined,
  versioned: boolean,
  texts: TextLookup,
): CodeAction[] {
  const source = target.state.source;
  const place = { uri: target.uri, source };
  return language.codeActions(target.state, toSpan(source, range)).flatMap((entry): CodeAction[] => {
    const kind = entry.kind === "quickfix" ? CodeActionKind.QuickFix : CodeActionKind.Source;
    if (only !== undefined && !only.some((wanted) => kind === wanted || kind.startsWith(`${wanted}.`))) return [];
    return [
      {
        title: entry.title,
        kind,
        ...(entry.diagnostic === undefined ? {} : { diagnostics: [convert(entry.diagnostic, place, texts)] }),
        ...(entry.preferred === true ? { isPreferred: true } : {}),
        edit: workspaceEdit(target, entry.edits, versioned),
      },
    ];
  });
}

export function formatDocument(target: Target): LspTextEdit[] {
  return textEdits(target.state.source, language.formatDocument(target.state));
}

export function formatRange(target: Target, range: Range): LspTextEdit[] {
  const source = target.state.source;
  return textEdits(source, language.formatRange(target.state, toSpan(source, range)));
}

const SYMBOL_KINDS: Readonly<Record<SymbolKind, LspSymbolKind>> = {
  group: LspSymbolKind.Namespace,
  method: LspSymbolKind.Function,
  import: LspSymbolKind.Module,
  backend: LspSymbolKind.Constant,
  property: LspSymbolKind.Property,
};

/** The outline, as a tree when the client shows one, else as a flat list. */
export function documentSymbols(target: Target, hierarchical: boolean): DocumentSymbol[] | SymbolInformation[] {
  const source = target.state.source;
  const symbol = (entry: SymbolEntry): DocumentSymbol => {
    const range = toRange(source, entry.span);
    const selection = toRange(source, entry.selection);
    return {
      name: entry.name.length > 0 ? entry.name : "(unnamed)",
      kind: SYMBOL_KINDS[entry.kind],
      ...(entry.detail === undefined ? {} : { detail: entry.detail }),
      range,
      // The protocol wants the name within the whole: where it is not, the whole is the name's place.
      selectionRange: contains(range, selection) ? selection : range,
      children: entry.children.map(symbol),
    };
  };
  const symbols = language.documentSymbols(target.state).map(symbol);
  if (hierarchical) return symbols;
  const flat: SymbolInformation[] = [];
  const add = (entry: DocumentSymbol, container: string | undefined): void => {
    flat.push({
      name: entry.name,
      kind: entry.kind,
      location: { uri: target.uri, range: entry.range },
      ...(container === undefined ? {} : { containerName: container }),
    });
    for (const child of entry.children ?? []) add(child, entry.name);
  };
  for (const entry of symbols) add(entry, undefined);
  return flat;
}

const FOLDING_KINDS: Readonly<Record<NonNullable<FoldingEntry["kind"]>, FoldingRangeKind>> = {
  comment: FoldingRangeKind.Comment,
  imports: FoldingRangeKind.Imports,
  region: FoldingRangeKind.Region,
};

export function foldingRanges(target: Target): FoldingRange[] {
  const source = target.state.source;
  return language.foldingRanges(target.state).flatMap((entry): FoldingRange[] => {
    const startLine = toPosition(source, entry.start).line;
    const endLine = toPosition(source, entry.end).line;
    // A region on one line folds nothing.
    if (endLine <= startLine) return [];
    return [{ startLine, endLine, ...(entry.kind === undefined ? {} : { kind: FOLDING_KINDS[entry.kind] }) }];
  });
}

/**
 * The tokens, delta-encoded as the protocol wants them: in order, none overlapping, and one
 * that spans lines (a block comment) cut into one per line, which every client can show.
 */
export function semanticTokens(target: Target): SemanticTokens {
  const source = target.state.source;
  const builder = new SemanticTokensBuilder();
  const tokens = [...language.semanticTokens(target.state)].sort((a, b) => a.start - b.start);
  let reached = 0;
  for (const token of tokens) {
    const start = Math.max(token.start, reached);
    const end = Math.min(token.start + token.length, source.text.length);
    if (end <= start) continue;
    reached = end;
    const type = language.SEMANTIC_TOKEN_TYPES.indexOf(token.type);
    if (type < 0) continue;
    let modifiers = 0;
    for (const modifier of token.modifiers) {
      const bit = language.SEMANTIC_TOKEN_MODIFIERS.indexOf(modifier);
      if (bit >= 0) modifiers |= 1 << bit;
    }
    const first = toPosition(source, start).line;
    const last = toPosition(source, end).line;
    for (let line = first; line <= last; line++) {
      const from = line === first ? start : source.lineStarts[line]!;
      const to = line === last ? end : lineEnd(source, line);
      if (to > from) builder.push(line, toPosition(source, from).character, to - from, type, modifiers);
    }
  }
  return builder.build();
}

function offsetOf(target: Target, position: Position): number {
  return toOffset(target.state.source, position);
}

function textEdits(source: SourceText, edits: readonly TextEdit[]): LspTextEdit[] {
  return edits.map((edit) => ({ range: toRange(source, edit.span), newText: edit.text }));
}

/** Edits of the manifest, tied to the version they were made for when the client can check it. */
function workspaceEdit(target: Target, edits: readonly TextEdit[], versioned: boolean): WorkspaceEdit {
  const converted = textEdits(target.state.source, edits);
  return versioned
    ? { documentChanges: [{ textDocument: { uri: target.uri, version: target.version }, edits: converted }] }
    : { changes: { [target.uri]: converted } };
}

/** The offset where `line`'s own characters end, before its line break. */
function lineEnd(source: SourceText, line: number): number {
  return toOffset(source, { line, character: Number.MAX_SAFE_INTEGER });
}

function contains(outer: Range, inner: Range): boolean {
  const before = (a: Position, b: Position): boolean =>
    a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}
