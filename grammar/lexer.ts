/**
 * Turns manifest text into tokens, comments and lexical diagnostics.
 *
 * The lexer never stops at a bad character: it reports it and carries on, so
 * that one pass reports every problem in the file.
 */
import { Lexer, type IToken } from "./chevrotain.js";
import type { Span } from "./ast.js";
import { createDiagnostic, type Diagnostic } from "./diagnostics/diagnostic.js";
import { Messages } from "./diagnostics/catalogue.js";
import { allTokens, COMMENTS_GROUP, UNTERMINATED_GROUP, UnterminatedString, StringLiteral } from "./tokens.js";

// Offsets are all the rest of the compiler needs; lines and columns are
// derived from them only when something is printed.
const flowLexer = new Lexer([...allTokens], { positionTracking: "onlyOffset", ensureOptimizations: true });

export interface LexResult {
  /** Tokens the parser reads (no whitespace, no comments). */
  readonly tokens: IToken[];
  /** `//` and `/* *\/` comments in source order. */
  readonly comments: readonly IToken[];
  readonly diagnostics: readonly Diagnostic[];
  /** Whether a `/*` swallowed the rest of the text, which makes any "unexpected end of file" a consequence. */
  readonly endsInUnterminatedComment: boolean;
  /** Problems past `limit` of their kind, counted but not made into diagnostics (all are errors). */
  readonly uncounted: number;
}

/**
 * Lexes `text`. Of each kind of problem, the first `limit + 1` become diagnostics (the
 * first of those left out says where the ones not shown begin) and the rest are only
 * counted: a file of garbage holds millions, which nobody reads past the first few.
 */
export function tokenize(text: string, file: string, limit = Infinity): LexResult {
  const result = flowLexer.tokenize(text);
  const diagnostics: Diagnostic[] = [];
  let uncounted = 0;
  /** Whether the problem numbered `made` (from 0) of its kind is made into a diagnostic; else it is counted. */
  const room = (made: number): boolean => {
    if (made <= limit) return true;
    uncounted++;
    return false;
  };

  let characters = 0;
  for (const error of result.errors) {
    // The lexer reports a run of characters it could not match as one error;
    // each character is its own mistake, named the way the user typed it.
    const end = error.offset + error.length;
    for (let offset = error.offset; offset < end;) {
      const codePoint = text.codePointAt(offset) ?? 0;
      const width = codePoint > 0xffff ? 2 : 1;
      if (room(characters++)) {
        diagnostics.push(
          createDiagnostic(Messages.UnexpectedCharacter, file, { start: offset, end: offset + width }, [
            describeCharacter(codePoint),
          ]),
        );
      }
      offset += width;
    }
  }

  const unterminatedComments = result.groups[UNTERMINATED_GROUP] ?? [];
  for (const token of unterminatedComments) {
    diagnostics.push(
      createDiagnostic(Messages.UnterminatedComment, file, { start: token.startOffset, end: token.startOffset + 2 }),
    );
  }

  let strings = 0;
  let escapes = 0;
  for (const token of result.tokens) {
    if (token.tokenType === UnterminatedString && room(strings++)) {
      diagnostics.push(createDiagnostic(Messages.UnterminatedString, file, tokenSpan(token)));
    }
    if (token.tokenType === StringLiteral || token.tokenType === UnterminatedString) {
      const { invalidEscapes } = decodeString(token.image);
      for (const problem of invalidEscapes) {
        if (!room(escapes++)) continue;
        const start = token.startOffset + problem.offset;
        diagnostics.push(
          createDiagnostic(Messages.InvalidEscapeSequence, file, { start, end: start + problem.text.length }, [
            problem.text,
          ]),
        );
      }
    }
  }

  return {
    tokens: result.tokens,
    comments: result.groups[COMMENTS_GROUP] ?? [],
    diagnostics,
    endsInUnterminatedComment: unterminatedComments.length > 0,
    uncounted,
  };
}

/** `[start, end)` of a token that really is in the text. */
export function tokenSpan(token: IToken): Span {
  return { start: token.startOffset, end: token.startOffset + token.image.length };
}

function describeCharacter(codePoint: number): string {
  const printable = codePoint > 0x20 && codePoint !== 0x7f && !(codePoint >= 0x80 && codePoint <= 0x9f);
  if (printable) return `'${String.fromCodePoint(codePoint)}'`;
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
}

export interface DecodedString {
  readonly value: string;
  /** Escapes JavaScript would reject, with their offset inside the raw literal. */
  readonly invalidEscapes: readonly { readonly offset: number; readonly text: string }[];
}

const simpleEscapes: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  b: "\b",
  f: "\f",
  v: "\v",
  "0": "\0",
};

/**
 * Decodes a quoted literal (with or without its closing quote) the way
 * JavaScript decodes a string: `\n`, `\xHH`, `\uHHHH`, `\u{H…}`, line
 * continuations, and any other escaped character standing for itself.
 */
export function decodeString(raw: string): DecodedString {
  const quote = raw[0];
  const closed = raw.length >= 2 && raw[raw.length - 1] === quote && !endsWithEscape(raw);
  const body = raw.slice(1, closed ? -1 : undefined);
  const invalidEscapes: { offset: number; text: string }[] = [];
  let value = "";
  let i = 0;
  while (i < body.length) {
    const ch = body[i]!;
    if (ch !== "\\") {
      value += ch;
      i++;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) {
      // A lone backslash at the end of an unterminated string: nothing to escape.
      invalidEscapes.push({ offset: i + 1, text: "\\" });
      i++;
      continue;
    }
    if (next in simpleEscapes && !(next === "0" && /[0-9]/.test(body[i + 2] ?? ""))) {
      value += simpleEscapes[next];
      i += 2;
    } else if (next === "\r" || next === "\n" || next === "\u2028" || next === "\u2029") {
      i += next === "\r" && body[i + 2] === "\n" ? 3 : 2;
    } else if (next === "x") {
      const hex = /^[0-9a-fA-F]{2}/.exec(body.slice(i + 2));
      if (hex) {
        value += String.fromCharCode(parseInt(hex[0], 16));
        i += 4;
      } else {
        invalidEscapes.push({ offset: i + 1, text: "\\x" });
        i += 2;
      }
    } else if (next === "u") {
      const braced = /^\{([0-9a-fA-F]+)\}/.exec(body.slice(i + 2));
      const plain = /^[0-9a-fA-F]{4}/.exec(body.slice(i + 2));
      if (braced && parseInt(braced[1]!, 16) <= 0x10ffff) {
        value += String.fromCodePoint(parseInt(braced[1]!, 16));
        i += 2 + braced[0].length;
      } else if (plain) {
        value += String.fromCharCode(parseInt(plain[0], 16));
        i += 6;
      } else {
        invalidEscapes.push({ offset: i + 1, text: braced ? `\\u${braced[0]}` : "\\u" });
        i += braced ? 2 + braced[0].length : 2;
      }
    } else if (/[1-9]/.test(next) || next === "0") {
      // Octal escapes are a syntax error in strict-mode JavaScript.
      invalidEscapes.push({ offset: i + 1, text: `\\${next}` });
      i += 2;
    } else {
      value += next;
      i += 2;
    }
  }
  return { value, invalidEscapes };
}

/** Whether the final quote of `raw` is itself escaped (`"abc\"`), i.e. not a closing quote. */
function endsWithEscape(raw: string): boolean {
  let backslashes = 0;
  for (let i = raw.length - 2; i >= 1 && raw[i] === "\\"; i--) backslashes++;
  return backslashes % 2 === 1;
}
