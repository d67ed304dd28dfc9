/**
 * A private redis-server: started from PATH on a free loopback port, with
 * persistence off and a temporary directory, stopped after. The machine's
 * shared instance on 6379 is never touched. Used by the bullmq tests and the
 * distributed benchmark workload.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Why redis-server cannot be started here, or `undefined` when it can. */
export function redisUnavailable(): string | undefined {
  const probe = spawnSync("redis-server", ["--version"], { stdio: "ignore" });
  return probe.status === 0 ? undefined : "redis-server is not on PATH (Debian: apt-get install redis-server)";
}

/** How a server is set up beyond the defaults: TLS only (no plain port), and a configuration file (ACL users …). */
export interface RedisServerOptions {
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca: string };
  readonly config?: string;
}

export class RedisServer {
  readonly port: number;
  readonly #dir: string;
  readonly #options: RedisServerOptions;
  #process: ChildProcess | undefined;

  private constructor(port: number, dir: string, options: RedisServerOptions) {
    this.port = port;
    this.#dir = dir;
    this.#options = options;
  }

  get url(): string {
    return `${this.#options.tls === undefined ? "redis" : "rediss"}://127.0.0.1:${this.port}`;
  }

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), "flowc-redis-")), options);
    await server.#spawn();
    return server;
  }

  async #spawn(): Promise<void> {
    const { tls, config } = this.#options;
    const listen =
      tls === undefined
        ? ["--port", String(this.port)]
        : [
            "--port",
            "0",
            "--tls-port",
            String(this.port),
            "--tls-cert-file",
            tls.cert,
            "--tls-key-file",
            tls.key,
          ].concat(["--tls-ca-cert-file", tls.ca, "--tls-auth-clients", "no"]);
    const child = spawn(
      "redis-server",
      [
        ...(config === undefined ? [] : [config]),
        ...listen,
        ...["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.#dir],
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.#process = child;
    // Should the test process end without stopping it (a crash, a killed worker), the server goes with it.
    const orphan = (): void => void child.kill("SIGKILL");
    process.once("exit", orphan);
    child.once("exit", () => process.off("exit", orphan));
    await new Promise<void>((resolve, reject) => {
      let output = "";
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes("Ready to accept connections")) {
          child.stdout?.off("data", onData);
          resolve();
        }
      };
      child.stdout?.on("data", onData);
      child.once("exit", (code) => reject(new Error(`redis-server exited with ${String(code)}: ${output}`)));
    });
    // Keep draining its log so that the pipe never fills and blocks it.
    child.stdout?.resume();
    child.stderr?.resume();
  }

  /** Stops the server (its data is lost: persistence is off). */
  async stop(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (child === undefined || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  }

  /** Starts it again on the same port, empty. */
  async restart(): Promise<void> {
    await this.stop();
    await this.#spawn();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** A loopback port nothing listens on (as of now). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
