/**
 * Damaged copies of a real journal: truncated anywhere, or with bits flipped
 * anywhere. Opening and reading each (list, run, input, get, methods) either
 * works or fails with a `JournalError`, never with another exception and
 * never by crashing the process (which would fail this file).
 */
import { readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JournalError, sqliteStore } from "../../stdlib/index.js";
import { KEYS, makeJournal, RUNS, temporary } from "./sqlite-journal.js";

let root: string;
let journal: Buffer;

beforeAll(async () => {
  root = temporary();
  await makeJournal(join(root, "original"));
  journal = readFileSync(join(root, "original", "journal.db"));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A damage: cut the file at a length, or flip bits at offsets. */
const damage = fc.oneof(
  fc.record({ cut: fc.nat() }),
  fc.record({ flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }) }),
);

function damaged(change: { cut: number } | { flips: [number, number][] }): Buffer {
  if ("cut" in change) return journal.subarray(0, change.cut % (journal.length + 1));
  const copy = Buffer.from(journal);
  for (const [offset, bit] of change.flips) copy[offset % copy.length]! ^= 1 << bit;
  return copy;
}

/** What each read came to: a value, or a JournalError's code; anything else is thrown on. */
async function outcome(read: () => Promise<unknown>): Promise<string> {
  try {
    await read();
    return "ok";
  } catch (error) {
    if (error instanceof JournalError) return error.code;
    throw error;
  }
}

describe("damaged journals", () => {
  it("are read or refused with a JournalError, never anything else", async () => {
    let made = 0;
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(damage, async (change) => {
        const directory = join(root, `copy-${made++}`);
        mkdirSync(directory);
        writeFileSync(join(directory, "journal.db"), damaged(change));
        const store = sqliteStore(directory);
        try {
          for (const read of [
            () => store.list(),
            () => store.run(RUNS[1]),
            () => store.input(RUNS[2]),
            () => store.get(KEYS),
            () => store.methods(RUNS[0]),
          ]) {
            seen.add(await outcome(read));
          }
        } finally {
          await store.close();
          rmSync(directory, { recursive: true, force: true });
        }
      }),
      { numRuns: 400 },
    );
    // Both ends were reached: some copies read, some refused.
    expect(seen).toContain("ok");
    expect(seen).toContain("FLOW_JOURNAL_UNAVAILABLE");
  });
});
