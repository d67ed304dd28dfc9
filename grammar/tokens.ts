/**
 * The tokens of the `.flow` language.
 *
 * Order matters: the lexer tries the token types in the order of `allTokens`
 * and keeps the first that matches, so longer or more specific shapes come
 * before the shapes they start with (`/*` before `/`, a closed string before
 * an unterminated one, keywords before identifiers).
 */
import { createToken, Lexer, type IToken, type TokenType } from "./chevrotain.js";
import { excerpt } from "./diagnostics/diagnostic.js";

/** Lexer group that collects comments so the formatter can put them back. */
export const COMMENTS_GROUP = "comments";
/** Lexer group for block comments missing their `*\/`; reported, never parsed. */
export const UNTERMINATED_GROUP = "unterminated";

// `\s` covers the BOM, no-break space and the Unicode line separators, so a
// manifest saved by any editor lexes the same way.
export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /\s+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

export const LineComment = createToken({
  name: "LineComment",
  pattern: /\/\/[^\n\r\u2028\u2029]*/,
  group: COMMENTS_GROUP,
});

export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: COMMENTS_GROUP,
  line_breaks: true,
});

/** Matches only when `BlockComment` did not, i.e. when no `*\/` follows: it runs to the end of the text. */
export const UnterminatedBlockComment = createToken({
  name: "UnterminatedBlockComment",
  pattern: /\/\*[\s\S]*/,
  group: UNTERMINATED_GROUP,
  line_breaks: true,
});

/**
 * Category of everything the parser accepts as a string. An unterminated
 * string belongs to it too, so that a missing quote costs one diagnostic
 * instead of a cascade of "expected a string" errors.
 */
export const StringCategory = createToken({ name: "StringCategory", pattern: Lexer.NA });

export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\n\r]|\\(?:\r\n|[\s\S]))*"|'(?:[^'\\\n\r]|\\(?:\r\n|[\s\S]))*'/,
  categories: [StringCategory],
  line_breaks: true,
});

/** A string whose closing quote is missing before the end of the line (or of the text). */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\n\r]|\\(?:\r\n|[\s\S]))*|'(?:[^'\\\n\r]|\\(?:\r\n|[\s\S]))*/,
  categories: [StringCategory],
  line_breaks: true,
});

/** `-?\d+(\.\d+)?` directly followed by an optional unit of letters or `%`: `4`, `-1`, `2.5`, `250ms`, `5%`. */
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /-?\d+(?:\.\d+)?(?:[A-Za-z]+|%)?/,
});

/** Category of every token that can name a method or a property. */
export const Name = createToken({ name: "Name", pattern: Lexer.NA });

// Non-ASCII characters other than the Unicode spaces may appear in a name,
// as in TypeScript; whether a name is a real export is the resolver's call.
const nonAsciiNameChars =
  "\\u00aa-\\u167f\\u1681-\\u1fff\\u200b-\\u2027\\u202a-\\u202e\\u2030-\\u205e\\u2060-\\u2fff\\u3001-\\ufefe\\uff00-\\uffff";

const identifierPattern = `[A-Za-z_$${nonAsciiNameChars}][\\w$${nonAsciiNameChars}]*`;

export const Identifier = createToken({
  name: "Identifier",
  pattern: new RegExp(identifierPattern),
  categories: [Name],
});

/**
 * `Tokenizer.lines`: names joined by dots, which no manifest name is. Read as one token,
 * and as a name, so that the parser carries on and the tree builder reports it once,
 * saying what to write instead, rather than as a stray `.` followed by a second name.
 */
export const DottedName = createToken({
  name: "DottedName",
  pattern: new RegExp(`${identifierPattern}(?:\\.${identifierPattern})+`),
  categories: [Name],
});

/**
 * `@input`: a name no method can have, for what is not a method — the run's input as a
 * node of the flow. Read as a name wherever one may stand, so that the parser needs no new
 * rule; the binder says where it may be used, and that `@anything` else is not known.
 */
export const AtName = createToken({
  name: "AtName",
  pattern: new RegExp(`@${identifierPattern}`),
  categories: [Name],
});

// Keywords are contextual: `longer_alt` keeps `importer` or `ask` whole, and
// `from`/`as` stay usable as names because TypeScript lets functions be called so.
export const Import = createToken({ name: "Import", pattern: /import/, longer_alt: Identifier });
export const From = createToken({ name: "From", pattern: /from/, longer_alt: Identifier, categories: [Name] });
export const As = createToken({ name: "As", pattern: /as/, longer_alt: Identifier, categories: [Name] });
// `backend` begins the statement `backend bullmq;` only where the parser sees that shape
// ahead; elsewhere it is a name like any other (`backend, store { … }`).
export const Backend = createToken({ name: "Backend", pattern: /backend/, longer_alt: Identifier, categories: [Name] });

export const LCurly = createToken({ name: "LCurly", pattern: /\{/ });
export const RCurly = createToken({ name: "RCurly", pattern: /\}/ });
export const LAngle = createToken({ name: "LAngle", pattern: /</ });
export const RAngle = createToken({ name: "RAngle", pattern: />/ });
export const Colon = createToken({ name: "Colon", pattern: /:/ });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/ });
export const Comma = createToken({ name: "Comma", pattern: /,/ });

export const allTokens: readonly TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedBlockComment,
  StringCategory,
  StringLiteral,
  UnterminatedString,
  NumberLiteral,
  Name,
  // Before the keywords and plain names it begins with: `import.meta` is one dotted name.
  DottedName,
  AtName,
  Import,
  From,
  As,
  Backend,
  Identifier,
  LCurly,
  RCurly,
  LAngle,
  RAngle,
  Colon,
  Semicolon,
  Comma,
];

/**
 * Tokens that cannot start a property. Inside a block the parser steps over
 * them one by one (and the tree builder reports them), so a stray `;` costs
 * one diagnostic and the rest of the block is still read. They are listed as
 * token types rather than as a category so that error recovery, which
 * resynchronises on token types, treats them alike at every level.
 */
export const blockStrayTokens: readonly TokenType[] = [
  Semicolon,
  Colon,
  Comma,
  NumberLiteral,
  StringCategory,
  Import,
  LCurly,
  LAngle,
];

/** Tokens that cannot start a group or an import, stepped over the same way between groups. */
export const topLevelStrayTokens: readonly TokenType[] = [
  Semicolon,
  Colon,
  Comma,
  NumberLiteral,
  StringCategory,
  LCurly,
  LAngle,
  RAngle,
];

/** How each token is named in "Expected … but found …" messages. */
const descriptions = new Map<TokenType, string>([
  [StringCategory, "a string"],
  [StringLiteral, "a string"],
  [UnterminatedString, "a string"],
  [NumberLiteral, "a number"],
  [Name, "a name"],
  [Identifier, "a name"],
  [DottedName, "a name"],
  [AtName, "a name"],
  [Import, "'import'"],
  [From, "'from'"],
  [As, "'as'"],
  [Backend, "'backend'"],
  [LCurly, "'{'"],
  [RCurly, "'}'"],
  [LAngle, "'<'"],
  [RAngle, "'>'"],
  [Colon, "':'"],
  [Semicolon, "';'"],
  [Comma, "','"],
]);

/** Human name of a token type as something expected: `';'`, `a string`, `end of file`. */
export function describeTokenType(type: TokenType): string {
  return descriptions.get(type) ?? (type.name === "EOF" ? "end of file" : type.name);
}

/** How a token that was found is named in messages: `'extract'`, `';'`, `"./etl"`. */
export function describeToken(token: IToken): string {
  if (token.tokenType.name === "EOF") return "end of file";
  const image = excerpt(token.image);
  const isString = token.tokenType === StringLiteral || token.tokenType === UnterminatedString;
  return isString ? image : `'${image}'`;
}
