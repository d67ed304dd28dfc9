/**
 * A manifest's text together with the offsets at which its lines start,
 * so that spans (offsets) can be turned into 1-based line and column numbers
 * when — and only when — something is printed.
 */
export interface SourceText {
  /** Path as given by the user (used verbatim in diagnostics). */
  readonly path: string;
  readonly text: string;
  /** Offset of the first character of each line; `lineStarts[0]` is 0. */
  readonly lineStarts: readonly number[];
}

/** 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export function createSourceText(path: string, text: string): SourceText {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 /* \n */) lineStarts.push(i + 1);
    else if (ch === 13 /* \r */ && text.charCodeAt(i + 1) !== 10) lineStarts.push(i + 1);
  }
  return { path, text, lineStarts };
}

/** Converts an offset into a 1-based line and column (columns count UTF-16 code units). */
export function positionAt(source: SourceText, offset: number): Position {
  const clamped = Math.max(0, Math.min(offset, source.text.length));
  let low = 0;
  let high = source.lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (source.lineStarts[mid]! <= clamped) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: clamped - source.lineStarts[low]! + 1 };
}
