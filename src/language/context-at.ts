/**
 * What the cursor is in, for completion: an import's braces, a group's name list, a block
 * before a key or after `key:`, after `backend`, a number before its unit…
 *
 * Read from the lexer's tokens rather than from the tree, because completion is asked for
 * on half-typed text, where the parser has given up or read the statement as something
 * else. The tokens before the cursor are walked through a small state machine that follows
 * the grammar (grammar/REFERENCE.md, "Grammar") and recovers the way a reader would: a
 * block that was never closed ends where a name list begins, an `import` always begins an
 * import.
 */
import type { Span } from "../../grammar/ast.js";
import { tokenMatcher, type IToken, type TokenType } from "../../grammar/chevrotain.js";
import { decodeString, tokenize } from "../../grammar/lexer.js";
import {
  As,
  Backend,
  Colon,
  Comma,
  From,
  Import,
  LAngle,
  LCurly,
  Name,
  NumberLiteral,
  RAngle,
  RCurly,
  Semicolon,
  StringCategory,
  StringLiteral,
  UnterminatedString,
} from "../../grammar/tokens.js";

export type CursorContext =
  | { readonly kind: "none" }
  /**
   * Where a statement begins: a group's first name, or (in the header, before any group)
   * `import` or `backend`; `names` are the other names of the list the word begins.
   */
  | { readonly kind: "statement"; readonly word: Span; readonly header: boolean; readonly names: readonly string[] }
  /** A name of a group's list after its first; `names` are the list's other names. */
  | { readonly kind: "groupName"; readonly word: Span; readonly names: readonly string[] }
  /** A name in an import's braces; `source` is the module after `from` when it is written. */
  | {
      readonly kind: "importName";
      readonly word: Span;
      readonly source: string | undefined;
      readonly listed: readonly string[];
    }
  /** After an import's `}`, where `from` belongs. */
  | { readonly kind: "importFrom"; readonly word: Span }
  /** The module of an import: inside its quotes (`quoted`), or after `from` before any quote. */
  | { readonly kind: "importSource"; readonly replace: Span; readonly quoted: boolean }
  /** The value of the backend statement. */
  | { readonly kind: "backendValue"; readonly word: Span }
  /** A key of a block; `written` are the block's other keys, `names` its group's names. */
  | {
      readonly kind: "propertyKey";
      readonly word: Span;
      readonly written: readonly string[];
      readonly names: readonly string[];
    }
  /** The value after `key:`. */
  | { readonly kind: "propertyValue"; readonly key: string; readonly word: Span; readonly names: readonly string[] }
  /** The unit written directly after the number of `key:` (`30|`, `30m|`). */
  | { readonly kind: "unit"; readonly key: string; readonly replace: Span };

/** Where the walk through the tokens stands: what the grammar expects next. */
type State =
  | { readonly at: "top" }
  | { readonly at: "importBrace" }
  | { readonly at: "importName" }
  | { readonly at: "importAfterName" }
  | { readonly at: "importAlias" }
  | { readonly at: "importFrom" }
  | { readonly at: "importSource" }
  | { readonly at: "importEnd" }
  | { readonly at: "backendValue" }
  | { readonly at: "backendEnd" }
  | { readonly at: "groupName"; readonly group: number }
  | { readonly at: "groupAfterName"; readonly group: number }
  | { readonly at: "key"; readonly group: number; readonly block: number }
  | { readonly at: "afterKey"; readonly group: number; readonly block: number; readonly key: number }
  | { readonly at: "value"; readonly group: number; readonly block: number; readonly key: string | undefined }
  | { readonly at: "afterValue"; readonly group: number; readonly block: number };

const none: CursorContext = { kind: "none" };

/** What the cursor at `offset` of `text` is in. */
export function contextAt(text: string, offset: number): CursorContext {
  if (!Number.isInteger(offset) || offset < 0 || offset > text.length) return none;
  const lexed = tokenize(text, "");
  if (inComment(text, lexed.comments, lexed.tokens, offset)) return none;
  const tokens = lexed.tokens;
  const wordIndex = wordAt(tokens, offset);
  const word = wordIndex === undefined ? undefined : tokens[wordIndex]!;
  // The tokens before the word (or the cursor) decide what it is.
  let before = 0;
  while (before < tokens.length && tokens[before]!.startOffset + tokens[before]!.image.length <= offset) before++;
  if (word !== undefined) before = wordIndex!;

  // An unterminated string ends at the cursor that types it.
  if (word === undefined && before > 0 && insideString(tokens[before - 1]!, offset)) before--;
  const inString = tokens[before];
  if (word === undefined && inString !== undefined && insideString(inString, offset)) {
    const { state } = walk(tokens, before);
    if (state.at !== "importSource") return none;
    const closed = tokenMatcher(inString, StringLiteral) && inString.image.length >= 2;
    const start = inString.startOffset + 1;
    const end = inString.startOffset + inString.image.length - (closed ? 1 : 0);
    return { kind: "importSource", replace: { start, end: Math.max(start, end) }, quoted: true };
  }

  const { state, pastHeader } = walk(tokens, before);
  const span = word === undefined ? typedAt(text, offset) : spanOf(word);
  if (word !== undefined && tokenMatcher(word, NumberLiteral)) {
    if (state.at !== "value" || state.key === undefined) return none;
    const digits = /^-?\d+(?:\.\d+)?/.exec(word.image)?.[0].length ?? word.image.length;
    const unitStart = word.startOffset + digits;
    if (offset < unitStart) return none;
    return { kind: "unit", key: state.key, replace: { start: unitStart, end: word.startOffset + word.image.length } };
  }
  switch (state.at) {
    // An import's `;` is optional: what follows its module may begin the next statement.
    case "top":
    case "importEnd": {
      const names = wordIndex === undefined ? [] : listNames(tokens, wordIndex, wordIndex);
      return { kind: "statement", word: span, header: !pastHeader, names };
    }
    case "groupName":
      return { kind: "groupName", word: span, names: listNames(tokens, state.group, wordIndex) };
    case "importName":
      return {
        kind: "importName",
        word: span,
        source: importSource(tokens, before),
        listed: importListed(tokens, before, wordIndex),
      };
    case "importFrom":
      return { kind: "importFrom", word: span };
    case "importSource":
      // Before a string already there, a second one would be wrong.
      return word === undefined && !isString(tokens[before])
        ? { kind: "importSource", replace: span, quoted: false }
        : none;
    case "backendValue":
      return { kind: "backendValue", word: span };
    case "key":
      return {
        kind: "propertyKey",
        word: span,
        written: blockKeys(tokens, state.block, wordIndex),
        names: listNames(tokens, state.group, undefined),
      };
    case "value":
      return state.key === undefined
        ? none
        : { kind: "propertyValue", key: state.key, word: span, names: listNames(tokens, state.group, undefined) };
    default:
      return none;
  }
}

/**
 * Walks the tokens before `end` through the grammar. `pastHeader` says whether a group (or
 * the outer `{`) has begun, after which `import` and `backend` no longer belong (FLOW1008,
 * FLOW1010).
 */
function walk(tokens: readonly IToken[], end: number): { state: State; pastHeader: boolean } {
  let state: State = { at: "top" };
  let pastHeader = false;
  for (let i = 0; i < end; i++) {
    const token = tokens[i]!;
    if (is(token, Import)) {
      state = { at: "importBrace" };
      continue;
    }
    const before = state;
    state = step(state, tokens, i, end);
    // A group, or the outer `{` that opens the groups, ends the header.
    if (state.at === "groupAfterName" || state.at === "key" || (before.at === "top" && is(token, LCurly))) {
      pastHeader = true;
    }
  }
  return { state, pastHeader };
}

/** The state after `tokens[i]` in `state`. */
function step(state: State, tokens: readonly IToken[], i: number, end: number): State {
  const token = tokens[i]!;
  const closes = is(token, RCurly) || is(token, RAngle);
  const opens = is(token, LCurly) || is(token, LAngle);
  switch (state.at) {
    case "top":
      if (is(token, Backend) && backendStatement(tokens, i, end)) return { at: "backendValue" };
      if (isName(token)) return { at: "groupAfterName", group: i };
      return state;
    case "importBrace":
      if (is(token, LCurly)) return { at: "importName" };
      if (isName(token)) return { at: "importAfterName" };
      return step({ at: "top" }, tokens, i, end);
    case "importName":
    case "importAfterName":
    case "importAlias":
      if (is(token, From) && isString(tokens[i + 1])) return { at: "importSource" };
      if (isName(token)) {
        if (state.at === "importAfterName" && is(token, As)) return { at: "importAlias" };
        return { at: "importAfterName" };
      }
      if (is(token, Comma)) return { at: "importName" };
      if (is(token, RCurly)) return { at: "importFrom" };
      return step({ at: "top" }, tokens, i, end);
    case "importFrom":
      // A misspelt `from` is still read as one, as the parser reads it.
      if (isName(token)) return { at: "importSource" };
      if (isString(token)) return { at: "importEnd" };
      return step({ at: "top" }, tokens, i, end);
    case "importSource":
      if (isString(token)) return { at: "importEnd" };
      return step({ at: "top" }, tokens, i, end);
    case "importEnd":
    case "backendEnd":
      return is(token, Semicolon) ? { at: "top" } : step({ at: "top" }, tokens, i, end);
    case "backendValue":
      if (isValue(token)) return { at: "backendEnd" };
      return is(token, Semicolon) ? { at: "top" } : step({ at: "top" }, tokens, i, end);
    case "groupName":
    case "groupAfterName":
      if (isName(token)) return { at: "groupAfterName", group: state.group };
      if (is(token, Comma)) return { at: "groupName", group: state.group };
      if (opens) return { at: "key", group: state.group, block: i };
      return { at: "top" };
    case "key":
    case "afterKey":
    case "value":
    case "afterValue": {
      const { group, block } = state;
      if (closes) return { at: "top" };
      if (is(token, Semicolon)) return { at: "key", group, block };
      if (state.at === "afterKey") {
        // `a { retries: 1;  b, c {`: the block was never closed, and a new group began at the "key".
        if (is(token, Comma)) return { at: "groupName", group: state.key };
        if (opens) return { at: "key", group: state.key, block: i };
        if (is(token, Colon)) return { at: "value", group, block, key: tokens[state.key]!.image };
      }
      if (opens) return { at: "key", group, block: i };
      if (state.at === "value" && isValue(token)) return { at: "afterValue", group, block };
      if (is(token, Colon)) return { at: "value", group, block, key: undefined };
      if (isName(token)) return { at: "afterKey", group, block, key: i };
      return state.at === "value" ? state : { at: "key", group, block };
    }
  }
}

/**
 * Whether the `backend` at `tokens[i]` begins the backend statement, as the parser decides:
 * followed by a value and what can only follow the statement (`backendStatement` in
 * grammar/parser.ts). A `backend` the cursor follows is the statement being written.
 */
function backendStatement(tokens: readonly IToken[], i: number, end: number): boolean {
  if (i + 1 >= end) return true;
  const value = tokens[i + 1];
  const after = tokens[i + 2];
  if (!isValue(value)) return false;
  if (after === undefined || i + 2 >= end) return true;
  if ([Semicolon, Import, Backend, Name].some((type) => is(after, type))) return true;
  return is(after, LCurly) && isName(tokens[i + 3]);
}

/** The names of the group whose list starts at `tokens[start]`, but for the word at `skip`. */
function listNames(tokens: readonly IToken[], start: number, skip: number | undefined): string[] {
  const names: string[] = [];
  for (let i = start; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (is(token, Comma) || i === skip) continue;
    if (!isName(token)) break;
    names.push(token.image);
  }
  return names;
}

/** The keys of the block opened at `tokens[open]`, but for the word at `skip`. */
function blockKeys(tokens: readonly IToken[], open: number, skip: number | undefined): string[] {
  const keys: string[] = [];
  for (let i = open + 1; i < tokens.length; i++) {
    const token = tokens[i]!;
    if ([RCurly, RAngle, LCurly, LAngle, Import].some((type) => is(token, type))) break;
    if (i !== skip && isName(token) && is(tokens[i + 1], Colon) && !is(tokens[i - 1], Colon)) keys.push(token.image);
  }
  return keys;
}

/** The module after the `from` of the import whose braces hold `tokens[from]`, when it is written. */
function importSource(tokens: readonly IToken[], from: number): string | undefined {
  for (let i = from; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    if (is(token, From) && isString(next)) return stringValue(next!);
    if (is(token, RCurly)) {
      return (isName(next) || is(next, From)) && isString(tokens[i + 2]) ? stringValue(tokens[i + 2]!) : undefined;
    }
    if (!isName(token) && !is(token, Comma)) return undefined;
  }
  return undefined;
}

/** The names an import's braces already hold (imported names), but for the word at `skip`. */
function importListed(tokens: readonly IToken[], at: number, skip: number | undefined): string[] {
  let open = at;
  while (open > 0 && !is(tokens[open - 1], LCurly) && !is(tokens[open - 1], Import)) open--;
  const listed: string[] = [];
  for (let i = open; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (is(token, From) && isString(tokens[i + 1])) break;
    if (!isName(token) && !is(token, Comma)) break;
    // The name after `as` is a local name, not one the module exports.
    if (i !== skip && isName(token) && !is(tokens[i - 1], As) && !(is(token, As) && isName(tokens[i + 1]))) {
      listed.push(token.image);
    }
  }
  return listed;
}

function stringValue(token: IToken): string {
  return decodeString(token.image).value;
}

/** The name, keyword or number the cursor is in or just after (or, failing that, just before). */
function wordAt(tokens: readonly IToken[], offset: number): number | undefined {
  let before: number | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.startOffset > offset) break;
    if (!isName(token) && !is(token, Import) && !is(token, NumberLiteral)) continue;
    const end = token.startOffset + token.image.length;
    if (token.startOffset < offset && offset <= end) return i;
    if (token.startOffset === offset) before = i;
  }
  return before;
}

/** The span typed so far where no token is: an `@` the lexer refused as a character of its own. */
function typedAt(text: string, offset: number): Span {
  return text[offset - 1] === "@" ? { start: offset - 1, end: offset } : { start: offset, end: offset };
}

function insideString(token: IToken, offset: number): boolean {
  if (!isString(token)) return false;
  const end = token.startOffset + token.image.length;
  const unterminated = is(token, UnterminatedString);
  return token.startOffset < offset && (offset < end || (unterminated && offset === end));
}

/** Whether `offset` is inside a comment (at the end of a line comment counts: typing there adds to it). */
function inComment(text: string, comments: readonly IToken[], tokens: readonly IToken[], offset: number): boolean {
  for (const comment of comments) {
    const end = comment.startOffset + comment.image.length;
    const lineComment = comment.image.startsWith("//");
    if (comment.startOffset < offset && (offset < end || (lineComment && offset === end))) return true;
  }
  // A `/*` that never closes is no token: it runs from after the last token or comment to the end.
  const last = Math.max(
    ...[...tokens.slice(-1), ...comments.slice(-1)].map((token) => token.startOffset + token.image.length),
    0,
  );
  const open = text.indexOf("/*", last);
  return open !== -1 && offset > open && !comments.some((comment) => comment.startOffset === open);
}

function spanOf(token: IToken): Span {
  return { start: token.startOffset, end: token.startOffset + token.image.length };
}

function is(token: IToken | undefined, type: TokenType): boolean {
  return token !== undefined && tokenMatcher(token, type);
}

function isName(token: IToken | undefined): boolean {
  return is(token, Name);
}

function isString(token: IToken | undefined): boolean {
  return is(token, StringCategory);
}

function isValue(token: IToken | undefined): boolean {
  return isName(token) || is(token, NumberLiteral) || isString(token);
}
