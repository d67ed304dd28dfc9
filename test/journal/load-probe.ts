/**
 * Run as `node --import tsx test/journal/load-probe.ts <directory>`: prints
 * (as JSON) whether better-sqlite3 and ioredis were loaded after importing
 * the runtime, and after a SQLite store's first use.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Which of the two packages the CommonJS loader has loaded so far. */
function loaded(): { sqlite: boolean; redis: boolean } {
  const files = Object.keys((require("node:module") as { _cache: Record<string, unknown> })._cache);
  return {
    sqlite: files.some((file) => file.includes("/better-sqlite3/")),
    redis: files.some((file) => file.includes("/ioredis/")),
  };
}

const runtime = await import("../../stdlib/index.js");
const store = runtime.sqliteStore(process.argv[2]!);
runtime.redisStore("redis://127.0.0.1:1");
const imported = loaded();
await store.list();
await store.close();
process.stdout.write(JSON.stringify({ imported, used: loaded() }));
