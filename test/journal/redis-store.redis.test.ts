/**
 * What only the Redis store does: keys under `<prefix>:journal:`, a TTL on
 * a run's keys and outputs refreshed by each write, a clear error (without
 * the password) when Redis cannot be reached, and a damaged record refused.
 */
import { hostname } from "node:os";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { ErrorCode, JournalError, redisStore, type RunStore } from "../../stdlib/index.js";
import { describeWithRedis, freePort, RedisServer } from "../bullmq/redis-server.js";

const owner = { host: hostname(), pid: process.pid, token: "test" };
const run = (id: string) => ({ id, plan: "p", planHash: "h", manifest: null, input: [1], owner, startedAt: 1 });

describeWithRedis("redis run store", () => {
  let server: RedisServer;
  let redis: Redis;
  let made = 0;
  const stores: RunStore[] = [];

  beforeAll(async () => {
    server = await RedisServer.start();
    redis = new Redis(server.url);
    // The test's own connection sees the restart too; its commands fail the tests that need them.
    redis.on("error", () => undefined);
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });

  afterAll(async () => {
    redis.disconnect();
    await server.dispose();
  });

  function open(options: Parameters<typeof redisStore>[1] = {}): { store: RunStore; prefix: string } {
    const prefix = `t${made++}`;
    const store = redisStore(server.url, { prefix, ...options });
    stores.push(store);
    return { store, prefix };
  }

  async function fill(store: RunStore): Promise<void> {
    await store.begin(run("r1"));
    await store.put([{ key: "k1", method: "m", run: "r1", output: { n: 1 } }]);
    await store.method({ run: "r1", method: "m", status: "ok", calls: 1, reused: 0, startedAt: 1, endedAt: 2 });
    await store.flush();
  }

  it("keeps every key under <prefix>:journal:, and names Redis and the prefix as its location", async () => {
    const { store, prefix } = open();
    await fill(store);
    expect(store.location).toBe(`redis://127.0.0.1:${server.port} (prefix ${prefix})`);
    expect((await redis.keys(`${prefix}:*`)).sort()).toEqual(
      ["entries:r1", "entry:k1", "methods:r1", "run:r1", "runs", "stored:r1"].map((key) => `${prefix}:journal:${key}`),
    );
  });

  it("expires a run's keys and its outputs after ttlMs, counted again from each write", async () => {
    const { store, prefix } = open({ ttlMs: 60_000 });
    await fill(store);
    const keys = ["run:r1", "methods:r1", "entries:r1", "stored:r1", "entry:k1"].map((k) => `${prefix}:journal:${k}`);
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect(ttl, key).toBeGreaterThan(50_000);
      expect(ttl, key).toBeLessThanOrEqual(60_000);
    }
    // The index of runs has no TTL: a run gone from it would be invisible to list and clean.
    expect(await redis.pttl(`${prefix}:journal:runs`)).toBe(-1);

    for (const key of keys) await redis.pexpire(key, 5_000);
    await store.put([{ key: "k1", method: "m", run: "r1", output: "again" }]);
    await store.flush();
    for (const key of keys.filter((k) => !k.endsWith("methods:r1"))) {
      expect(await redis.pttl(key), key).toBeGreaterThan(50_000);
    }
    expect(await store.get(["k1"])).toEqual([{ output: { n: 1 } }]);
    expect(await store.renew("r1", owner, 60_000)).toBe(true);
    expect(await redis.pttl(`${prefix}:journal:methods:r1`)).toBeGreaterThan(50_000);
  });

  it("keeps keys without ttlMs, and lists past runs whose keys expired", async () => {
    const { store, prefix } = open();
    await fill(store);
    await store.begin(run("r2"));
    expect(await redis.pttl(`${prefix}:journal:run:r1`)).toBe(-1);
    expect(await redis.pttl(`${prefix}:journal:entry:k1`)).toBe(-1);
    await redis.del(`${prefix}:journal:run:r2`);
    expect((await store.list()).map((r) => r.id)).toEqual(["r1"]);
    await store.clean({ keep: 5 });
    expect(await redis.zrange(`${prefix}:journal:runs`, 0, -1)).toEqual(["r1"]);
  });

  it("refuses a damaged run record as a damaged journal", async () => {
    const { store, prefix } = open();
    await fill(store);
    await redis.hset(`${prefix}:journal:run:r1`, "status", "exploded");
    const error = await store.run("r1").catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(JournalError);
    expect((error as JournalError).message).toContain(
      'is corrupt or not a flowc journal: a run (a string ("r1")) has a string ("exploded") as its status',
    );
    await redis.set(`${prefix}:journal:entry:k1`, "{not json");
    expect(await store.get(["k1"]).catch((reason: unknown) => String(reason))).toContain(
      "the output stored under 'k1' cannot be read",
    );
  });

  it("fails with a JournalError naming redis://host:port, never the password, when Redis cannot be reached", async () => {
    const port = await freePort();
    const store = redisStore(`redis://flowc:s3cret-pw@127.0.0.1:${port}`, { connectionWait: 500 });
    stores.push(store);
    const error = await store.list().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(JournalError);
    expect((error as JournalError).code).toBe(ErrorCode.JournalUnavailable);
    expect((error as JournalError).message).toMatch(
      new RegExp(
        `^The run journal at redis://127\\.0\\.0\\.1:${port} \\(prefix flowc\\) cannot be reached: .*ECONNREFUSED`,
      ),
    );
    expect(JSON.stringify(error) + String(error) + String((error as Error).stack)).not.toContain("s3cret");
  });

  it("fails a command after connectionWait while Redis is away, and works again once it is back", async () => {
    // Longer than the longest pause between reconnection attempts (1 s), so that the store is back in time.
    const { store } = open({ connectionWait: 1_500 });
    await fill(store);
    await server.stop();
    const error = await store.run("r1").catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(JournalError);
    expect((error as JournalError).message).toContain(`redis://127.0.0.1:${server.port} (prefix `);
    expect((error as JournalError).message).toContain(") cannot be reached");
    await server.restart();
    // Persistence is off: the restarted server is empty, and says so rather than failing.
    expect(await store.list()).toEqual([]);
  });

  it("refuses a bad prefix, ttlMs or connectionWait", () => {
    expect(() => redisStore(server.url, { prefix: "a:b" })).toThrow("redisStore() option 'prefix'");
    expect(() => redisStore(server.url, { ttlMs: 10 })).toThrow("redisStore() option 'ttlMs' must be");
    expect(() => redisStore(server.url, { connectionWait: 0 })).toThrow("redisStore() option 'connectionWait'");
  });
});
