/**
 * Counts the line breaks between two offsets of a manifest. The formatter asks this for
 * every comment it places, often from one far-off offset (each of many comments trailing
 * one line asks from that line's end), so counting in the text between them each time
 * would cost the square of the text's length; the breaks are found once and searched.
 */
import { firstAtOrAfter } from "../../grammar/arrays.js";

export interface LineBreaks {
  /** How many line breaks start in `[from, to)`. */
  between(from: number, to: number): number;
}

/** `\r\n`, `\r`, `\n` and the Unicode line and paragraph separators each break a line once. */
export function lineBreaksOf(text: string): LineBreaks {
  const offsets: number[] = [];
  for (const match of text.matchAll(/\r\n|\r|\n|\u2028|\u2029/g)) offsets.push(match.index);
  return { between: (from, to) => (to <= from ? 0 : firstAtOrAfter(offsets, to) - firstAtOrAfter(offsets, from)) };
}
