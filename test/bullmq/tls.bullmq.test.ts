import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bullmq, createRunner, createWorker } from "../../stdlib/index.js";
import { buildPlan } from "../runtime/plans.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

/** `openssl …` in `dir`, failing with its output. */
function openssl(dir: string, args: readonly string[]): void {
  const result = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${result.error?.message ?? result.stderr}`);
}

/**
 * A Redis that speaks only TLS, with a certificate from a private authority,
 * and only to the ACL user the deployment guide's example sets up.
 */
describeWithRedis("bullmq over TLS with an ACL user", () => {
  let redis: RedisServer;
  let dir: string;
  let ca: Buffer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "flowc-tls-"));
    openssl(
      dir,
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt"].concat([
        "-days",
        "1",
        "-subj",
        "/CN=flowc test authority",
      ]),
    );
    openssl(
      dir,
      ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr"].concat([
        "-subj",
        "/CN=127.0.0.1",
      ]),
    );
    writeFileSync(join(dir, "san.cnf"), "subjectAltName=IP:127.0.0.1\n");
    openssl(
      dir,
      ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial"].concat([
        "-out",
        "server.crt",
        "-days",
        "1",
        "-extfile",
        "san.cnf",
      ]),
    );
    // The ACL of DEPLOYMENT.md: the default user off, one user confined to flowc's keys and channels.
    writeFileSync(
      join(dir, "acl.conf"),
      "user default off\nuser flowc on >s3cret ~flowc:* &flowc:* +@all -@dangerous +info\n",
    );
    ca = readFileSync(join(dir, "ca.crt"));
    redis = await RedisServer.start({
      tls: { cert: join(dir, "server.crt"), key: join(dir, "server.key"), ca: join(dir, "ca.crt") },
      config: join(dir, "acl.conf"),
    });
  });
  afterAll(async () => {
    await redis.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs a plan with caller and worker on rediss:// as the ACL user, trusting the private authority", async () => {
    const plan = buildPlan({ square: { mode: "parallel", minWorkers: 1, shardSize: 2 } }, [], "tls");
    const connection = { url: `rediss://flowc:s3cret@127.0.0.1:${redis.port}`, tls: { ca } };
    const square = (x: number): number => x * x;
    const worker = await createWorker(plan, { connection, modules: { square } });
    const runner = createRunner<number[], number[]>(plan, { square }, { backend: bullmq({ connection }) });
    await expect(runner.run([1, 2, 3, 4, 5])).resolves.toEqual([1, 4, 9, 16, 25]);
    await runner.close();
    await worker.close();
  }, 30_000);

  it("fails a caller with a wrong password clearly, naming the host but not the password", async () => {
    const plan = buildPlan({ square: {} }, [], "tls");
    const connection = { url: `rediss://flowc:wrong-guess@127.0.0.1:${redis.port}`, tls: { ca } };
    const runner = createRunner<number, number>(
      plan,
      { square: (x: number) => x * x },
      { backend: bullmq({ connection, connectionWait: 2000 }) },
    );
    const error = await runner.run(3).catch((e: unknown) => e);
    await runner.close();
    expect((error as Error).message).toMatch(
      new RegExp(`^The bullmq backend cannot reach Redis at 127\\.0\\.0\\.1:${redis.port} \\(.*WRONGPASS.*\\)`),
    );
    expect((error as Error).message).not.toContain("wrong-guess");
    expect(error).toMatchObject({ code: "FLOW_CONNECTION_FAILED" });
  }, 30_000);
});
