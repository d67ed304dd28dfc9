/**
 * What a failure of SQLite (or of the file system under it) means for the
 * journal, in the words of `FLOW_JOURNAL_UNAVAILABLE`: corrupt, locked,
 * read-only, full. Errors that are neither (a bug) pass through unchanged,
 * so that they are not mistaken for a damaged journal.
 */
import { accessSync, constants } from "node:fs";
import { dirname } from "node:path";
import { errors, FlowError } from "../errors.js";

/** The words for a file SQLite cannot make sense of. */
export const CORRUPT = "is corrupt or not a flowc journal";

/** `error` as a `JournalError` of the journal in `directory` (whose database is `file`), when it is SQLite's or the file system's. */
export function sqliteFailure(error: unknown, directory: string, file: string): unknown {
  if (error instanceof FlowError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return error;
  const what = describeCode(code, directory, file);
  return what === undefined ? error : errors.journalUnavailable(directory, what, error);
}

function describeCode(code: string, directory: string, file: string): string | undefined {
  if (code.startsWith("SQLITE_NOTADB") || code.startsWith("SQLITE_CORRUPT")) return CORRUPT;
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return "is locked by another process";
  if (code.startsWith("SQLITE_FULL")) return "cannot be written (the disk is full)";
  if (
    code.startsWith("SQLITE_READONLY") ||
    code.startsWith("SQLITE_CANTOPEN") ||
    code.startsWith("SQLITE_PERM") ||
    code === "EACCES" ||
    code === "EPERM" ||
    code === "EROFS"
  ) {
    return readOnly(directory, file) ?? (code.startsWith("SQLITE_CANTOPEN") ? "cannot be opened" : "cannot be written");
  }
  if (code === "ENOTDIR" || code === "EEXIST") return "cannot be created (a file stands where a directory should be)";
  if (code.startsWith("SQLITE_IOERR")) return "cannot be read or written (an I/O error)";
  if (code.startsWith("SQLITE_")) return "cannot be read or written";
  return undefined;
}

/** Why the journal cannot be written, when its directory or file is read-only. */
function readOnly(directory: string, file: string): string | undefined {
  if (!writable(directory)) return `cannot be written (read-only directory ${directory})`;
  if (!writable(file)) return `cannot be written (read-only file ${file})`;
  return undefined;
}

/** Whether `path` can be written, or made: a path not there yet can when its nearest existing folder can. */
function writable(path: string): boolean {
  for (let at = path; ; at = dirname(at)) {
    try {
      accessSync(at, constants.W_OK);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || dirname(at) === at) return false;
    }
  }
}
