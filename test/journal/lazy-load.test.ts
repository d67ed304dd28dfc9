/**
 * Importing `flowc/runtime`, and making stores, loads neither the native
 * SQLite addon nor ioredis: programs that never journal never pay for them.
 * Checked in a process of its own, whose module cache nothing else filled.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));

it("loads better-sqlite3 on a store's first use, not on import", () => {
  const directory = mkdtempSync(join(tmpdir(), "flowc-journal-"));
  try {
    const output = execFileSync(
      process.execPath,
      ["--import", "tsx", join(root, "test/journal/load-probe.ts"), join(directory, ".flowc")],
      { cwd: root, encoding: "utf8" },
    );
    expect(JSON.parse(output)).toEqual({
      imported: { sqlite: false, redis: false },
      used: { sqlite: true, redis: false },
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
