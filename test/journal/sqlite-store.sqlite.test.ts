/**
 * What the SQLite store does with a journal it cannot use as it is: corrupt,
 * truncated, of a newer format, of something else, read-only, where a file
 * stands in the way, or locked by another process. Each fails with a
 * `JournalError` that says which, and leaves the file as it was.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCode, JournalError, sqliteStore, type RunStore } from "../../stdlib/index.js";
import { StoreChild } from "./children.js";
import { Database, KEYS, makeJournal, readOnlyMaker, temporary } from "./sqlite-journal.js";

const owner = { host: hostname(), pid: process.pid, token: "test" };
const newRun = { id: "new", plan: "p", planHash: "h", manifest: null, input: 1, owner, startedAt: 1 } as const;

let root: string;
let directory: string;
const stores: RunStore[] = [];

beforeEach(async () => {
  root = temporary();
  directory = join(root, ".flowc");
  await makeJournal(directory);
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  rmSync(root, { recursive: true, force: true });
});

function open(dir = directory, options: Parameters<typeof sqliteStore>[1] = {}): RunStore {
  const store = sqliteStore(dir, options);
  stores.push(store);
  return store;
}

/** The JournalError that `body` rejects with. */
async function journalFailure(body: () => Promise<unknown>): Promise<JournalError> {
  const error = await body().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(JournalError);
  return error as JournalError;
}

const file = (): string => join(directory, "journal.db");
const digest = (): string => createHash("sha256").update(readFileSync(file())).digest("hex");

describe("a damaged journal", () => {
  it("refuses a file of garbage bytes as corrupt", async () => {
    writeFileSync(file(), Buffer.from("this is not a database, only text that says so ".repeat(100)));
    const error = await journalFailure(() => open().list());
    expect(error.code).toBe(ErrorCode.JournalUnavailable);
    expect(error.location).toBe(directory);
    expect(error.message).toMatch(`The run journal at ${directory} is corrupt or not a flowc journal: `);
  });

  it("refuses a truncated file as corrupt", async () => {
    truncateSync(file(), Math.floor(readFileSync(file()).length / 2));
    const error = await journalFailure(() => open().get(KEYS));
    expect(error.code).toBe(ErrorCode.JournalUnavailable);
    expect(error.message).toContain("is corrupt or not a flowc journal");
  });

  it("refuses an output whose bytes changed, by its checksum", async () => {
    const db = new Database(file());
    db.prepare("UPDATE entries SET value = ? WHERE key = ?").run(
      Buffer.from(new Uint8Array([0xff, 0x0f, 0x49, 0x08])),
      KEYS[3],
    );
    db.close();
    const store = open();
    expect(await store.get([KEYS[2]!])).toHaveLength(1);
    const error = await journalFailure(() => store.get([KEYS[3]!]));
    expect(error.message).toContain(`the output stored under '${KEYS[3]}' does not match its checksum`);
  });

  it("refuses a database that is not a flowc journal, and leaves it as it was", async () => {
    rmSync(file());
    const db = new Database(file());
    db.exec("CREATE TABLE invoices (id INTEGER)");
    db.close();
    const before = digest();
    const error = await journalFailure(() => open().list());
    expect(error.message).toContain("is corrupt or not a flowc journal: it holds 'invoices' and no flowc format");
    expect(digest()).toBe(before);
  });

  it("refuses a journal of a newer format untouched", async () => {
    const db = new Database(file());
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'format'").run();
    db.close();
    const before = digest();
    const store = open();
    const error = await journalFailure(() => store.list());
    expect(error.code).toBe(ErrorCode.JournalTooNew);
    expect(error.message).toContain("has format 99, newer than this flowc reads (1)");
    await store.close();
    expect(digest()).toBe(before);
    expect(readdirSync(directory)).toEqual(["journal.db"]);
  });
});

describe("a journal that cannot be written", () => {
  const readOnly = readOnlyMaker();
  let protectedPaths: string[] = [];

  afterEach(() => {
    for (const path of protectedPaths.reverse()) readOnly?.release(path);
    protectedPaths = [];
  });

  function protect(path: string): void {
    readOnly!.protect(path);
    protectedPaths.push(path);
  }

  it.skipIf(readOnly === undefined)("fails in a read-only directory where it would create the journal", async () => {
    const empty = join(root, "empty");
    await makeJournal(empty);
    rmSync(join(empty, "journal.db"));
    protect(empty);
    const error = await journalFailure(() => open(empty).begin(newRun));
    expect(error.code).toBe(ErrorCode.JournalUnavailable);
    expect(error.message).toContain(`cannot be written (read-only directory ${empty})`);
  });

  it.skipIf(readOnly === undefined)("fails for a journal in a read-only directory, naming it", async () => {
    protect(file());
    protect(directory);
    const error = await journalFailure(() => open().begin(newRun));
    expect(error.message).toContain(`cannot be written (read-only directory ${directory})`);
  });

  it("fails where a file stands in the way of its directory", async () => {
    const plain = join(root, "plain");
    writeFileSync(plain, "not a directory");
    for (const where of [plain, join(plain, ".flowc")]) {
      const error = await journalFailure(() => open(where).list());
      expect(error.message).toBe(
        `The run journal at ${where} cannot be created (a file stands where a directory should be): ` +
          `${error.cause instanceof Error ? error.cause.message : ""}.`,
      );
    }
  });
});

describe("a journal another process holds locked", () => {
  let child: StoreChild;

  beforeEach(async () => {
    child = await StoreChild.start({ kind: "sqlite", directory });
  });

  afterEach(async () => {
    await child.kill();
  });

  it("fails a new store's first write once busyTimeout has passed, saying so", async () => {
    await child.lock(directory);
    const started = Date.now();
    const store = open(directory, { busyTimeout: 200 });
    // A new run is written with the writes after it, at the latest by the flush.
    const error = await journalFailure(async () => {
      await store.begin(newRun);
      await store.flush();
    });
    expect(error.message).toContain("is locked by another process");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("still reads while another process writes, and fails writes after busyTimeout", async () => {
    const store = open(directory, { busyTimeout: 200 });
    expect(await store.list()).toHaveLength(3);
    await child.lock(directory);
    expect((await store.list()).map((run) => run.id)).toEqual(["r2", "r1", "r0"]);
    await store.begin(newRun);
    store.put([{ key: "late", method: "m", run: "r1", output: 1 }]);
    expect((await journalFailure(() => store.flush())).message).toContain("is locked by another process");

    await child.kill();
    await store.begin(newRun);
    expect(await store.run("new")).toMatchObject({ status: "running" });
  });
});

describe("sqliteStore options", () => {
  it("refuses a busyTimeout or leaseMs out of bounds", () => {
    expect(() => sqliteStore(directory, { busyTimeout: -1 })).toThrow(
      "sqliteStore() option 'busyTimeout' must be from 0 to 2147483647 ms",
    );
    expect(() => sqliteStore(directory, { leaseMs: 0 })).toThrow("sqliteStore() option 'leaseMs' must be from 1");
  });
});
