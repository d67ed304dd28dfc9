/**
 * What a journaled run does with outputs its store cannot keep: a class
 * instance (its prototype would be lost) is not stored, said once per method,
 * and made again on resume; a generator read item by item is not stored
 * either, without a word, since no store could keep it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRunner, ErrorCode, sqliteStore, type FlowEvent, type RunStore } from "../../stdlib/index.js";
import { buildPlan } from "../runtime/plans.js";

class Reading {
  constructor(readonly value: number) {}
  double(): number {
    return this.value * 2;
  }
}

describe("outputs a journal cannot store", () => {
  let directory: string;
  let store: RunStore;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "flowc-unstorable-"));
    store = sqliteStore(directory);
  });
  afterEach(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("stores none of a method's outputs that would come back changed, says so once, and makes them again on resume", async () => {
    let made = 0;
    const plan = buildPlan({ read: { mode: "parallel", codeHash: "r" }, use: { codeHash: "u" } }, [["read", "use"]]);
    const events: FlowEvent[] = [];
    const runner = createRunner<number[], number>(
      plan,
      {
        read: (x: number) => {
          made++;
          return new Reading(x);
        },
        use: (readings: readonly Reading[]) => readings.reduce((sum, r) => sum + r.double(), 0),
      },
      { backend: "inline", store, onEvent: (event) => events.push(event) },
    );
    expect(await runner.run([1, 2, 3])).toBe(12);
    const warnings = events.filter((event) => event.type === "journal:warning");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ method: "read", error: { code: ErrorCode.NotStorable } });
    // The instances' own methods still work on resume: they were made again, not read back as plain objects.
    expect(await runner.run([1, 2, 3], { resume: true })).toBe(12);
    expect(made).toBe(6);
    await runner.close();
  });

  it("does not store a generator a parallel method reads, nor warn about it", async () => {
    let made = 0;
    const plan = buildPlan({ count: { codeHash: "c" }, square: { mode: "parallel", codeHash: "s" } }, [
      ["count", "square"],
    ]);
    const events: FlowEvent[] = [];
    const runner = createRunner<number, number[]>(
      plan,
      {
        count: function* (n: number) {
          made++;
          for (let i = 1; i <= n; i++) yield i;
        },
        square: (x: number) => x * x,
      },
      { backend: "inline", store, onEvent: (event) => events.push(event) },
    );
    expect(await runner.run(3)).toEqual([1, 4, 9]);
    expect(await runner.run(3, { resume: true })).toEqual([1, 4, 9]);
    expect(made).toBe(2);
    expect(events.filter((event) => event.type === "journal:warning")).toEqual([]);
    // The squares were stored and reused.
    const reused = events.filter((event) => event.type === "calls:reused");
    expect(reused).toEqual([expect.objectContaining({ method: "square", reused: 3, calls: 3 })]);
    await runner.close();
  });
});
