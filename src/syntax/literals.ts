/**
 * The text of string and numeric literals. A string is quoted with `"`, or with `'`
 * when it holds more double quotes than single ones (as Prettier chooses), and every
 * character that could end the literal or the line is escaped: the quote, the
 * backslash, control characters (but DEL), U+2028/U+2029 and everything outside ASCII
 * (each UTF-16 code unit on its own, so a lone surrogate too). The text of a literal
 * is therefore plain ASCII that nothing a user writes can break out of.
 */

const NAMED: Readonly<Record<string, string>> = {
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\v": "\\v",
  "\f": "\\f",
  "\r": "\\r",
  "\\": "\\\\",
};

const unicodeEscape = (code: number): string => `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;

/** `value` as a string literal. */
export function stringLiteralText(value: string): string {
  let doubles = 0;
  let singles = 0;
  for (const char of value) {
    if (char === '"') doubles++;
    else if (char === "'") singles++;
  }
  const quote = doubles > singles ? "'" : '"';
  let text = quote;
  for (let index = 0; index < value.length; index++) {
    const char = value[index]!;
    const code = char.charCodeAt(0);
    if (char === quote) text += `\\${quote}`;
    else if (NAMED[char] !== undefined) text += NAMED[char];
    else if (code === 0) {
      // `\0` followed by a digit would read as an octal escape.
      const next = value.charCodeAt(index + 1);
      text += next >= 0x30 && next <= 0x39 ? "\\x00" : "\\0";
    } else if (code < 0x20 || code > 0x7f) text += unicodeEscape(code);
    else text += char;
  }
  return text + quote;
}

/** A finite, non-negative number as a literal: `1e21`, `0.5`, `5e-7`. */
export function numericLiteralText(value: number): string {
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`not a numeric literal: ${value}`);
  return String(value).replace("e+", "e");
}

/**
 * Text that cannot end the comment it is put in: line terminators are written as
 * `\u000a`-style escapes and `*\/` for `*` followed by `/`.
 */
export function commentSafe(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\*\//g, "*\\/");
}
