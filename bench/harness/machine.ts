/** What the numbers were measured on, for the report's header. */
import { spawnSync } from "node:child_process";
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from "node:os";

export interface Machine {
  readonly cores: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly os: string;
  readonly memoryGiB: number;
  /** One-minute load average when the run started: other work on a shared machine skews timings. */
  readonly loadAverage: number;
  readonly date: string;
  /** `redis-server --version`, or `undefined` when it is not installed. */
  readonly redis: string | undefined;
}

export function describeMachine(now = new Date()): Machine {
  const redis = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown CPU",
    node: process.version,
    os: `${platform()} ${release()}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    date: now.toISOString(),
    redis: redis.status === 0 ? redis.stdout.trim().split(" ").slice(0, 3).join(" ") : undefined,
  };
}
