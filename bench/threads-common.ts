/** Shared by the `threads-*` benchmarks: timing, medians and the machine line. */
import { cpus, availableParallelism } from "node:os";

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export async function time(run: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Median wall time of `rounds` runs after `warmups` unmeasured ones, in milliseconds. */
export async function measure(run: () => unknown, rounds: number, warmups = 2): Promise<number> {
  for (let i = 0; i < warmups; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) times.push(await time(run));
  return median(times);
}

export function machine(): string {
  const cpu = cpus();
  return `Node ${process.version}, ${availableParallelism()} cores (${cpu[0]?.model.trim() ?? "unknown CPU"})`;
}
