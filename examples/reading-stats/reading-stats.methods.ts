import { readFile } from "node:fs/promises";

export interface Summary {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly stddev: number;
}

export interface Bucket {
  /** Inclusive lower bound. */
  readonly from: number;
  /** Exclusive upper bound. */
  readonly to: number;
  readonly count: number;
}

export interface Report {
  readonly readings: number;
  readonly mean: number;
  readonly stddev: number;
  readonly busiestBucket: string;
  readonly histogram: string[];
}

/** Loads the `celsius` column of a sensor log (`time,sensor,celsius`). */
export async function loadReadings(path: string): Promise<number[]> {
  const lines = (await readFile(path, "utf8")).trim().split(/\r?\n/).slice(1);
  return lines.map((line) => Number(line.split(",")[2])).filter((value) => Number.isFinite(value));
}

export function summarize(values: number[]): Summary {
  const count = values.length;
  const mean = values.reduce((sum, v) => sum + v, 0) / count;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / count;
  return {
    count,
    min: Math.min(...values),
    max: Math.max(...values),
    mean: round(mean),
    stddev: round(Math.sqrt(variance)),
  };
}

/** Buckets readings into 2-degree bins. */
export function histogram(values: number[]): Bucket[] {
  const width = 2;
  const counts = new Map<number, number>();
  for (const value of values) {
    const from = Math.floor(value / width) * width;
    counts.set(from, (counts.get(from) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => a[0] - b[0]).map(([from, count]) => ({ from, to: from + width, count }));
}

export function report(input: { summarize: Summary; histogram: Bucket[] }): Report {
  const busiest = input.histogram.reduce((best, b) => (b.count > best.count ? b : best));
  return {
    readings: input.summarize.count,
    mean: input.summarize.mean,
    stddev: input.summarize.stddev,
    busiestBucket: `${busiest.from}..${busiest.to} °C`,
    histogram: input.histogram.map(
      (b) => `${String(b.from).padStart(3)}..${String(b.to).padEnd(3)} ${"#".repeat(b.count)}`,
    ),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
