/**
 * The SQLite journal's file: opening it (better-sqlite3 is loaded here, on
 * first use, so that importing the runtime never loads the native addon),
 * its pragmas, its format, and its tables.
 *
 * Format: `meta.format` says which tables a file has. A file of a newer
 * format is refused untouched (`FLOW_JOURNAL_TOO_NEW`); an older one would
 * be migrated here, under the write lock as tables are created (there is
 * none older yet). A database with tables but no format is something
 * else's, and refused untouched like a corrupt file.
 */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { errors } from "../errors.js";
import { damaged } from "./records.js";
import { sqliteFailure } from "./sqlite-errors.js";

/** The format this flowc writes and reads. */
export const JOURNAL_FORMAT = 1;

/** The database's name in its directory. */
export const JOURNAL_FILE = "journal.db";

/**
 * Runs keep their input (to resume from) and their holder; entries are the
 * stored outputs, first one per key wins, each with a CRC-32 of its bytes (a
 * file has no checksums of its own, and a flipped bit must not become a
 * wrong output). Times are ms since the epoch, fractional where the runner's
 * clock is. `heldSince` is when the holder took the run, for `RunBusyError`.
 */
const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  plan TEXT NOT NULL,
  planHash TEXT NOT NULL,
  manifest TEXT,
  status TEXT NOT NULL,
  startedAt INTEGER NOT NULL,
  endedAt INTEGER,
  failedMethod TEXT,
  error TEXT,
  resumes INTEGER NOT NULL,
  ownerHost TEXT,
  ownerPid INTEGER,
  ownerToken TEXT,
  leaseUntil INTEGER,
  heldSince INTEGER,
  input BLOB NOT NULL,
  inputCrc INTEGER NOT NULL
);
CREATE INDEX runs_by_start ON runs (startedAt);
CREATE TABLE methods (
  run TEXT NOT NULL,
  method TEXT NOT NULL,
  status TEXT NOT NULL,
  calls INTEGER NOT NULL,
  reused INTEGER NOT NULL,
  startedAt INTEGER NOT NULL,
  endedAt INTEGER,
  PRIMARY KEY (run, method)
);
CREATE TABLE entries (
  key TEXT PRIMARY KEY,
  method TEXT NOT NULL,
  run TEXT NOT NULL,
  value BLOB NOT NULL,
  crc INTEGER NOT NULL,
  size INTEGER NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX entries_by_run ON entries (run, method);
`;

type DatabaseClass = typeof BetterSqlite3;

let loaded: DatabaseClass | undefined;

/** better-sqlite3's class, loaded on first use. */
function databaseClass(location: string): DatabaseClass {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)("better-sqlite3") as DatabaseClass;
    } catch (error) {
      throw errors.journalUnavailable(location, "cannot be opened (better-sqlite3 cannot be loaded)", error);
    }
  }
  return loaded;
}

/**
 * Opens (creating it and its directory when missing) the journal in
 * `directory`, ready to use, or fails with a `JournalError`.
 */
export function openJournal(directory: string, busyTimeout: number): BetterSqlite3.Database {
  const file = join(directory, JOURNAL_FILE);
  const Database = databaseClass(directory);
  let db: BetterSqlite3.Database | undefined;
  try {
    mkdirSync(directory, { recursive: true });
    db = new Database(file, { timeout: busyTimeout });
    // Read first, without the write lock (another process may hold it a while), and before any pragma
    // changes the file: a newer journal or another program's database is left as it was.
    const known = db.transaction(checkFormat)(db, directory);
    // WAL: readers never wait for the writer, and a commit is atomic (a killed process leaves whole transactions).
    db.pragma("journal_mode = WAL");
    // NORMAL syncs at checkpoints, not at every commit: WAL keeps commits atomic, and a power loss may lose the
    // last few, which only means those calls are made again. FULL would cost an fsync per batch of outputs.
    db.pragma("synchronous = NORMAL");
    if (!known) db.transaction(createTables).immediate(db, directory);
    return db;
  } catch (error) {
    db?.close();
    throw sqliteFailure(error, directory, file);
  }
}

/**
 * Whether the file has the tables of a format this flowc reads; `false` for
 * a new (empty) file. Fails for a newer format, or a database of something else.
 */
function checkFormat(db: BetterSqlite3.Database, location: string): boolean {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (hasMeta === undefined) {
    const other = db.prepare("SELECT name FROM sqlite_master LIMIT 1").pluck().get();
    if (other !== undefined) throw damaged(location, `it holds '${String(other)}' and no flowc format`);
    return false;
  }
  const text = db.prepare("SELECT value FROM meta WHERE key = 'format'").pluck().get();
  const format = Number(text);
  if (typeof text !== "string" || !Number.isSafeInteger(format) || format < 1) {
    throw damaged(location, "its format is missing");
  }
  if (format > JOURNAL_FORMAT) throw errors.journalTooNew(location, format, JOURNAL_FORMAT);
  return true;
}

/** Creates the tables in a new file, inside `BEGIN IMMEDIATE` (unless another process just did). */
function createTables(db: BetterSqlite3.Database, location: string): void {
  if (checkFormat(db, location)) return;
  db.exec(SCHEMA);
  db.prepare("INSERT INTO meta (key, value) VALUES ('format', ?)").run(String(JOURNAL_FORMAT));
}
