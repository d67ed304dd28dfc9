/**
 * A private redis-server for the distributed workload: started from PATH on
 * a free loopback port, persistence off, in a temporary directory, stopped
 * after. The machine's shared Redis (6379) is never touched.
 */
import type { ChildProcess } from "node:child_process";
import { RedisServer as PrivateRedis } from "../../test/support/redis-server.js";

export { redisUnavailable } from "../../test/support/redis-server.js";

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const server = await PrivateRedis.start();
  return { url: server.url, port: server.port, stop: () => server.dispose() };
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
