/**
 * ECMAScript's IdentifierName (without escapes): a first character of Unicode's
 * ID_Start, `$` or `_`, then characters of ID_Continue, `$`, ZWNJ or ZWJ. Reserved
 * words are identifier names too: they are valid property names (`a.default`).
 */
const IDENTIFIER_NAME = /^[$_\p{ID_Start}][$\u200C\u200D\p{ID_Continue}]*$/u;

/** Whether `name` can be written as a bare identifier or property name (`a.name`, `{ name: … }`). */
export function isIdentifierName(name: string): boolean {
  return IDENTIFIER_NAME.test(name);
}

/**
 * Words that are identifier names but cannot name a variable, a function or a type
 * (ECMAScript's reserved words, those of strict mode and modules): `a.default` is
 * fine, `default` alone is not.
 */
const RESERVED = new Set(
  (
    "await break case catch class const continue debugger default delete do else enum export extends false " +
    "finally for function if implements import in instanceof interface let new null package private protected " +
    "public return static super switch this throw true try typeof var void while with yield"
  ).split(" "),
);

/** Whether `name` can be written as a reference or a declaration's name. */
export function isIdentifier(name: string): boolean {
  return isIdentifierName(name) && !RESERVED.has(name);
}
