/**
 * The grammar's public face: `parse` turns manifest text into a document and
 * every syntax diagnostic, for any input whatsoever.
 */
import type { IRecognitionException, IToken } from "./chevrotain.js";
import type { FlowDocument } from "./ast.js";
import { positionAt, type SourceText } from "./source.js";
import { createDiagnostic, type Diagnostic } from "./diagnostics/diagnostic.js";
import { Messages } from "./diagnostics/catalogue.js";
import { firstAtOrAfter, pushAll } from "./arrays.js";
import { diagnosticsPerFile, limitDiagnostics } from "./diagnostics/limit.js";
import { buildDocument } from "./cst-to-ast.js";
import { tokenize, tokenSpan } from "./lexer.js";
import { flowParser } from "./parser.js";
import { describeToken, UnterminatedString } from "./tokens.js";

export type * from "./ast.js";
export type { SourceText, Position } from "./source.js";
export { createSourceText, positionAt } from "./source.js";

export interface ParseResult {
  /** The document; when the parser stopped early (see `diagnostics`), what comes before where it stopped. */
  readonly document: FlowDocument;
  /**
   * Syntax diagnostics (FLOW1xxx) in source order, at most one per offset and code, and at
   * most `diagnosticsPerFile` of them and one that counts the rest (FLOW1011).
   */
  readonly diagnostics: readonly Diagnostic[];
}

export interface ParseOptions {
  /** The most diagnostics reported, besides the one that counts the rest. @default diagnosticsPerFile (1000) */
  readonly limit?: number;
}

export function parse(source: SourceText, options: ParseOptions = {}): ParseResult {
  const limit = options.limit ?? diagnosticsPerFile;
  const lexed = tokenize(source.text, source.path, limit);
  // Twice the limit: some of the parser's errors are dropped below as consequences of others.
  const parsed = flowParser.parseDocument(lexed.tokens, 2 * limit);
  const shape: Diagnostic[] = [];
  const blockOpens: number[] = [];
  const document = buildDocument(parsed.cst, lexed.comments, { source, diagnostics: shape, blockOpens });
  const diagnostics: Diagnostic[] = [...lexed.diagnostics];
  const consequences = offsetsAfterUnterminatedStrings(lexed.tokens, source.text.length);
  // Past where the parser stopped, the tree and the errors are those of a text cut short there.
  const read = (diagnostic: Diagnostic) => parsed.stoppedAt === undefined || diagnostic.span.start < parsed.stoppedAt;
  for (const error of parsed.errors) {
    const diagnostic = toDiagnostic(error, source, blockOpens);
    // A `/*` that never closes ate the rest of the text; the parser's complaint
    // about the missing end is a consequence, not a second mistake.
    if (diagnostic.code === Messages.UnexpectedEndOfFile.code && lexed.endsInUnterminatedComment) continue;
    // Likewise a string missing its quote swallowed the `;` that followed it.
    if (consequences.has(diagnostic.span.start)) continue;
    if (read(diagnostic)) diagnostics.push(diagnostic);
  }
  pushAll(diagnostics, shape.filter(read));
  // The error the parser stopped at is one more, not shown.
  const uncountedErrors = lexed.uncounted + (parsed.stoppedAt === undefined ? 0 : 1);
  const limited = limitDiagnostics(source.path, deduplicate(diagnostics), {
    limit,
    uncountedErrors,
    stoppedAt: parsed.stoppedAt,
  });
  return {
    document: parsed.stoppedAt === undefined ? document : cutAt(document, parsed.stoppedAt),
    diagnostics: limited,
  };
}

/** The document without what starts at `offset` or after, which the parser read only to look ahead. */
function cutAt(document: FlowDocument, offset: number): FlowDocument {
  const before = (node: { readonly span: { readonly start: number } }) => node.span.start < offset;
  return {
    ...document,
    imports: document.imports.filter(before),
    backends: document.backends.filter(before),
    groups: document.groups.filter(before),
    comments: document.comments.filter(before),
  };
}

/** Where the token after each unterminated string starts (the end of the text if none follows). */
function offsetsAfterUnterminatedStrings(tokens: readonly IToken[], textLength: number): Set<number> {
  const offsets = new Set<number>();
  for (const [index, token] of tokens.entries()) {
    if (token.tokenType === UnterminatedString) offsets.add(tokens[index + 1]?.startOffset ?? textLength);
  }
  return offsets;
}

function toDiagnostic(error: IRecognitionException, source: SourceText, blockOpens: readonly number[]): Diagnostic {
  const token = error.token;
  const expected = error.message;
  if (token.tokenType.name === "EOF" || !Number.isFinite(token.startOffset)) {
    const end = source.text.length;
    return createDiagnostic(Messages.UnexpectedEndOfFile, source.path, { start: end, end }, [expected]);
  }
  // The block ended before a token that is no closer (the start of the next group, say): its
  // opener is the last one before that token, since blocks do not nest.
  const open =
    error.context.ruleStack.at(-1) === "blockClose"
      ? blockOpens[firstAtOrAfter(blockOpens, token.startOffset) - 1]
      : undefined;
  if (open !== undefined) {
    const { line, column } = positionAt(source, open);
    const closing = source.text[open] === "<" ? ">" : "}";
    return createDiagnostic(Messages.UnclosedBlock, source.path, tokenSpan(token), [
      closing,
      `${line}:${column}`,
      describeToken(token),
    ]);
  }
  return createDiagnostic(Messages.UnexpectedToken, source.path, tokenSpan(token), [expected, describeToken(token)]);
}

/** Sorts by position and keeps the first diagnostic for each offset and code. */
function deduplicate(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const sorted = [...diagnostics].sort((a, b) => a.span.start - b.span.start || a.code - b.code);
  return sorted.filter((diagnostic) => {
    const key = `${diagnostic.span.start}:${diagnostic.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
