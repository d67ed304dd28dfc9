import { readFile } from "node:fs/promises";

export type WordCounts = Record<string, number>;

export interface BookSummary {
  readonly chapters: number;
  readonly totalWords: number;
  readonly distinctWords: number;
  /** The ten most frequent words, most frequent first (ties alphabetical). */
  readonly top: ReadonlyArray<readonly [word: string, count: number]>;
}

/** Reads a plain-text book and splits it at its `CHAPTER` headings; the title page before the first is dropped. */
export async function splitChapters(path: string): Promise<string[]> {
  const text = await readFile(path, "utf8");
  return text
    .split(/^CHAPTER [^\n]*$/m)
    .slice(1)
    .map((chapter) => chapter.trim())
    .filter((chapter) => chapter.length > 0);
}

/** Counts the words of one chapter, case-folded, apostrophes kept inside words. */
export function countWords(chapter: string): WordCounts {
  const counts: WordCounts = {};
  for (const word of chapter.toLowerCase().match(/[a-z]+(?:'[a-z]+)*/g) ?? []) {
    counts[word] = (counts[word] ?? 0) + 1;
  }
  return counts;
}

/** Adds the chapters' counts together. */
export function mergeCounts(perChapter: WordCounts[]): BookSummary {
  const total = new Map<string, number>();
  for (const counts of perChapter) {
    for (const [word, count] of Object.entries(counts)) total.set(word, (total.get(word) ?? 0) + count);
  }
  const top = [...total]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 10)
    .map(([word, count]) => [word, count] as const);
  return {
    chapters: perChapter.length,
    totalWords: [...total.values()].reduce((sum, n) => sum + n, 0),
    distinctWords: total.size,
    top,
  };
}
