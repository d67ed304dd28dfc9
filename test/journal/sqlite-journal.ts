/**
 * Real SQLite journals for the tests that damage, lock or read-protect one:
 * made through the store itself, and opened directly where a test must
 * change what the store would never write.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { sqliteStore } from "../../stdlib/index.js";

export const Database = createRequire(import.meta.url)("better-sqlite3") as typeof BetterSqlite3;

/** The runs, outputs and method records that {@link makeJournal} writes. */
export const RUNS = ["r0", "r1", "r2"] as const;
export const KEYS = RUNS.flatMap((run) => Array.from({ length: 40 }, (_, i) => `${run}-k${i}`));

/** Writes a journal with a few runs (one ended), outputs and method records into `directory`, and closes it. */
export async function makeJournal(directory: string): Promise<void> {
  const store = sqliteStore(directory);
  const owner = { host: hostname(), pid: process.pid, token: "maker" };
  for (const [n, run] of RUNS.entries()) {
    const input = { n, note: "n".repeat(300), when: new Date(n) };
    await store.begin({ id: run, plan: "p", planHash: "h", manifest: null, input, owner, startedAt: n });
    store.put(
      KEYS.filter((key) => key.startsWith(`${run}-`)).map((key, i) => ({
        key,
        method: i % 2 === 0 ? "even" : "odd",
        run,
        output: { i, text: "t".repeat(60), list: [i, i + 1] },
      })),
    );
    store.method({ run, method: "even", status: "ok", calls: 20, reused: 0, startedAt: n, endedAt: n + 1 });
  }
  await store.end("r0", owner, { status: "failed", endedAt: 9, failedMethod: "even", error: "boom" });
  await store.close();
}

/** A new temporary directory; removed by the caller. */
export function temporary(): string {
  return mkdtempSync(join(tmpdir(), "flowc-journal-"));
}

/**
 * How this process can make a directory read-only: `chmod` for a user, but
 * root writes through modes, so as root the immutable attribute (`chattr
 * +i`), which stops root too. `undefined` (with the reason on stderr) when
 * neither works here.
 */
export function readOnlyMaker(): { protect(path: string): void; release(path: string): void } | undefined {
  if (process.getuid?.() !== 0) {
    return { protect: (path) => chmodSync(path, 0o555), release: (path) => chmodSync(path, 0o755) };
  }
  const probe = temporary();
  try {
    mkdirSync(join(probe, "d"));
    execFileSync("chattr", ["+i", join(probe, "d")], { stdio: "ignore" });
    execFileSync("chattr", ["-i", join(probe, "d")], { stdio: "ignore" });
  } catch (error) {
    process.stderr.write(
      `\n*** SKIPPED read-only journal tests: running as root, where chmod does not stop writes, ` +
        `and chattr +i is not available (${String(error)}). ***\n\n`,
    );
    return undefined;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
  return {
    protect: (path) => execFileSync("chattr", ["+i", path], { stdio: "ignore" }),
    release: (path) => execFileSync("chattr", ["-i", path], { stdio: "ignore" }),
  };
}
