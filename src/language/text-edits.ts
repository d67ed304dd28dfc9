/** Text edits as the language service makes them: the smallest edit between two texts, and edits applied. */
import type { Span } from "../../grammar/ast.js";
import type { TextEdit } from "./types.js";

/**
 * The edit that turns `text`'s `span` into `replacement`, without the prefix and suffix
 * they share (so that an editor keeps the cursor and the marks in them), or `undefined`
 * when they are the same. The edit never starts or ends inside a `\r\n` or a surrogate
 * pair, which no editor position can name.
 */
export function minimalEdit(text: string, span: Span, replacement: string): TextEdit | undefined {
  const current = text.slice(span.start, span.end);
  if (current === replacement) return undefined;
  const shorter = Math.min(current.length, replacement.length);
  let prefix = 0;
  while (prefix < shorter && current[prefix] === replacement[prefix]) prefix++;
  while (prefix > 0 && (splits(current, prefix) || splits(replacement, prefix))) prefix--;
  let suffix = 0;
  while (suffix < shorter - prefix && current.at(-1 - suffix) === replacement.at(-1 - suffix)) suffix++;
  while (suffix > 0 && (splits(current, current.length - suffix) || splits(replacement, replacement.length - suffix))) {
    suffix--;
  }
  return {
    span: { start: span.start + prefix, end: span.end - suffix },
    text: replacement.slice(prefix, replacement.length - suffix),
  };
}

/** Whether a cut before `text[index]` would fall inside a `\r\n` or a surrogate pair. */
function splits(text: string, index: number): boolean {
  if (index <= 0 || index >= text.length) return false;
  const before = text.charCodeAt(index - 1);
  const after = text.charCodeAt(index);
  const pair = before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
  return pair || (before === 13 && after === 10);
}

/** `text` with `edits` made; the edits must not overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const pieces: string[] = [];
  let at = 0;
  for (const edit of sorted) {
    pieces.push(text.slice(at, edit.span.start), edit.text);
    at = edit.span.end;
  }
  pieces.push(text.slice(at));
  return pieces.join("");
}
