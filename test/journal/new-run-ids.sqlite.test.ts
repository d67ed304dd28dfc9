/**
 * The id of a new journaled run: one the runner draws is drawn again while the
 * journal holds it already (runs of the same second share all but four random
 * characters of it, so a runner making thousands of runs a second draws a taken
 * one every few seconds), and one the caller gives is refused when taken. The
 * journal is a real SQLite store; the collisions are real rows, put in its way
 * by a store that begins the same id first, as another run of that second would.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createRunner,
  ErrorCode,
  JournalError,
  sqliteStore,
  type FlowEvent,
  type NewRun,
  type RunStore,
} from "../../stdlib/index.js";
import { newJournalId } from "../../stdlib/journal/journal.js";
import { buildPlan } from "../runtime/plans.js";

const plan = buildPlan({ double: { codeHash: "code of double" } });

let directory: string;
let store: RunStore;
let calls: number;
const methods = {
  double: (x: number): number => {
    calls++;
    return 2 * x;
  },
};

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "flowc-run-ids-"));
  store = sqliteStore(directory);
  calls = 0;
});

afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

/**
 * `store`, except that its first `collisions` begins find their id taken: another run
 * (another owner) begins it just before. Records the ids asked for, in order.
 */
function colliding(collisions: number): { store: RunStore; asked: string[] } {
  const asked: string[] = [];
  let left = collisions;
  const begin = async (run: NewRun): Promise<void> => {
    asked.push(run.id);
    if (left-- > 0) await store.begin({ ...run, owner: { ...run.owner, token: "another run" } });
    return store.begin(run);
  };
  // The store's own methods read its private fields: they are called on the store itself.
  const wrapped = new Proxy(store, {
    get(target, name) {
      if (name === "begin") return begin;
      const value: unknown = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: wrapped, asked };
}

describe("new journaled runs", () => {
  it("draw another id while the one drawn is taken, and run once under the first free one", async () => {
    const { store: taking, asked } = colliding(3);
    const events: FlowEvent[] = [];
    const runner = createRunner<number, number>(plan, methods, { store: taking, onEvent: (e) => events.push(e) });
    expect(await runner.run(21)).toBe(42);
    await runner.close();

    expect(asked).toHaveLength(4);
    expect(new Set(asked).size).toBe(4);
    const id = events.find((event) => event.type === "run:start")?.journal;
    expect(id).toBe(asked[3]);
    expect(calls).toBe(1);
    const runs = await store.list();
    expect(runs.map((run) => run.id).sort()).toEqual([...asked].sort());
    expect((await store.run(id!))?.status).toBe("ok");
    // The three taken ones are the other runs', still theirs.
    for (const taken of asked.slice(0, 3)) expect((await store.run(taken))?.status).toBe("running");
    expect((await store.methods(id!)).map(({ method, calls: made, stored }) => ({ method, made, stored }))).toEqual([
      { method: "double", made: 1, stored: 1 },
    ]);
  });

  it("give up with FLOW_RUN_EXISTS after eight ids all taken, calling nothing", async () => {
    const { store: taking, asked } = colliding(Infinity);
    const runner = createRunner<number, number>(plan, methods, { store: taking });
    const error = await runner.run(21).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    await runner.close();
    expect(error).toBeInstanceOf(JournalError);
    expect((error as JournalError).code).toBe(ErrorCode.RunExists);
    expect(asked).toHaveLength(8);
    expect(calls).toBe(0);
  });

  it("refuse an id the caller gives when it is taken, without drawing another", async () => {
    const { store: taking, asked } = colliding(1);
    const runner = createRunner<number, number>(plan, methods, { store: taking });
    const error = await runner.run(21, { journalId: "nightly" }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    await runner.close();
    expect((error as JournalError).code).toBe(ErrorCode.RunExists);
    expect((error as JournalError).message).toBe(
      `The run journal at ${directory} already has a run 'nightly'; resume it, or give the new run another id.`,
    );
    expect(asked).toEqual(["nightly"]);
    expect(calls).toBe(0);
  });

  it("are named by the second they began in and four characters of 0-9 and a-z, each drawn as often as the others", () => {
    const now = new Date(Date.UTC(2026, 11, 6, 23, 31, 12));
    const counts = new Map<string, number>();
    const draws = 36_000;
    for (let i = 0; i < draws; i++) {
      const id = newJournalId(now);
      expect(id).toMatch(/^20261206-233112-[0-9a-z]{4}$/);
      for (const char of id.slice(-4)) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect([...counts.keys()].sort().join("")).toBe("0123456789abcdefghijklmnopqrstuvwxyz");
    // 4,000 of each expected; the spread of a fair draw is about 60.
    for (const [char, count] of counts) expect([char, Math.abs(count - 4000) < 400]).toEqual([char, true]);
  });
});
