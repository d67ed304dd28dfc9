/**
 * Markdown for hovers: code spans and blocks that hold any text as it is, whatever backticks
 * it contains (a TypeScript template literal type has them).
 */

/** The longest run of backticks in `text`. */
function longestBackticks(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/** `text` as an inline code span, on one line. */
export function code(text: string): string {
  const oneLine = text.replace(/\s*[\r\n]+\s*/g, " ");
  const fence = "`".repeat(longestBackticks(oneLine) + 1);
  // A space on each side keeps a backtick at either end from joining the fence.
  const padded = /^`|`$/.test(oneLine) ? ` ${oneLine} ` : oneLine;
  return `${fence}${padded}${fence}`;
}

/** `text` as a fenced code block of `language`. */
export function codeBlock(language: string, text: string): string {
  const fence = "`".repeat(Math.max(3, longestBackticks(text) + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}
