/**
 * The conformance section about run journals (`RunnerOptions.store`): what a
 * run stores, what a resumed run reuses instead of calling, and that the
 * stage numbering, the counts and the output stay those of an uninterrupted
 * run. Every method comes from ../fixtures/threads/journal.methods.ts and
 * logs a mark through `shared`, so each test asserts exactly which calls were
 * made, wherever the backend made them. The journal is a real embedded
 * database in a folder of the test's own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCode, sqliteStore, type FlowEvent, type RunStore } from "../../stdlib/index.js";
import * as fx from "../fixtures/threads/journal.methods.js";
import { shared } from "../fixtures/threads/shared-state.js";
import type { Make } from "./conformance-harness.js";
import { buildPlan, type EdgeSpec, type MethodSpec } from "./plans.js";

const MODULE = "./journal.methods";

interface Mark {
  readonly m: string;
  readonly x: unknown;
  readonly item: number | null;
}

const marks = (method: string): Mark[] => (shared.records() as Mark[]).filter((mark) => mark.m === method);
const values = (method: string): unknown[] =>
  marks(method)
    .map((mark) => mark.x)
    .sort((a, b) => Number(a) - Number(b));

/** `upTo → square (parallel) → total`, every method journaled under `codeHash`. */
function squares(overrides: Readonly<Record<string, MethodSpec>> = {}) {
  return plan(
    {
      upTo: {},
      square: { mode: "parallel", minWorkers: 2, ...overrides.square },
      total: { ...overrides.total },
    },
    [
      ["upTo", "square"],
      ["square", "total"],
    ],
  );
}

function plan(methods: Readonly<Record<string, MethodSpec>>, edges: readonly EdgeSpec[] = []) {
  const specs = Object.fromEntries(
    Object.entries(methods).map(([name, spec]) => [name, { module: MODULE, codeHash: `code of ${name}`, ...spec }]),
  );
  return buildPlan(specs, edges);
}

const table = { upTo: fx.upTo, square: fx.square, total: fx.total };

/** The sum of the squares of 1 … n. */
const sumOfSquares = (n: number): number => (n * (n + 1) * (2 * n + 1)) / 6;

export function describeJournal(make: Make): void {
  describe("run journal", () => {
    let directory: string;
    let store: RunStore;
    beforeEach(() => {
      directory = mkdtempSync(join(tmpdir(), "flowc-journal-"));
      store = sqliteStore(directory);
      shared.set("target", -1);
    });
    afterEach(async () => {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    });

    it("records the run, its methods and every output, and reuses nothing unless asked", async () => {
      const events: FlowEvent[] = [];
      const runner = make<number, number>(squares(), table, { store, onEvent: (event) => events.push(event) });
      expect(await runner.run(10)).toBe(sumOfSquares(10));
      const id = events.find((event) => event.type === "run:start")?.journal;
      expect(id).toMatch(/^\d{8}-\d{6}-[a-z0-9]{4}$/);
      const run = await store.run(id ?? "");
      expect(run).toMatchObject({ status: "ok", plan: runner.plan.name, resumes: 0, failedMethod: null });
      expect(await store.input(id ?? "")).toEqual({ input: 10 });
      const methods = await store.methods(id ?? "");
      expect(
        methods.map(({ method, status, calls, reused, stored }) => ({ method, status, calls, reused, stored })),
      ).toEqual([
        { method: "upTo", status: "ok", calls: 1, reused: 0, stored: 1 },
        { method: "square", status: "ok", calls: 10, reused: 0, stored: 10 },
        { method: "total", status: "ok", calls: 1, reused: 0, stored: 1 },
      ]);

      // A second run without `resume` makes every call again.
      expect(await runner.run(10)).toBe(sumOfSquares(10));
      expect(marks("square")).toHaveLength(20);
    });

    it("resumes a failed run making only the calls that had not completed, numbered as in the stage", async () => {
      shared.set("target", 7);
      const events: FlowEvent[] = [];
      const runner = make<number, number>(squares(), table, { store, onEvent: (event) => events.push(event) });
      const failure = await runner.run(10).catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: ErrorCode.MethodFailed, method: "square", item: 6 });
      const id = events.find((event) => event.type === "run:start")?.journal ?? "";
      expect(await store.run(id)).toMatchObject({ status: "failed", failedMethod: "square" });
      const storedBefore = (await store.methods(id)).find((method) => method.method === "square")?.stored ?? 0;
      const squaredBefore = marks("square").length;

      shared.set("target", -1);
      events.length = 0;
      expect(await runner.run(10, { resume: id })).toBe(sumOfSquares(10));
      const again = marks("square").slice(squaredBefore);
      // Exactly the items the journal did not hold: 7 for sure, and any the failure cut short.
      expect(again.length).toBe(10 - storedBefore);
      expect(again.map((mark) => mark.x)).toContain(7);
      // `ctx.item` is the item's place in the stage, not in what was left of it.
      for (const mark of again) expect(mark.item).toBe(Number(mark.x) - 1);
      expect(marks("upTo")).toHaveLength(1);
      expect(marks("total")).toHaveLength(1);
      const reused = events.filter((event) => event.type === "calls:reused");
      expect(reused).toContainEqual(expect.objectContaining({ method: "square", reused: storedBefore, calls: 10 }));
      expect(reused).toContainEqual(expect.objectContaining({ method: "upTo", reused: 1, calls: 1 }));
      expect(events.find((event) => event.type === "run:start")).toMatchObject({ journal: id });
      expect(await store.run(id)).toMatchObject({ status: "ok", resumes: 1, failedMethod: null, error: null });
      const square = (await store.methods(id)).find((method) => method.method === "square");
      expect(square).toMatchObject({ status: "ok", calls: 10 - storedBefore, reused: storedBefore, stored: 10 });
    });

    it("with resume: true, reuses the calls of other runs and makes only those whose input is new", async () => {
      const runner = make<number, number>(squares(), table, { store });
      expect(await runner.run(5)).toBe(sumOfSquares(5));
      expect(await runner.run(8, { resume: true })).toBe(sumOfSquares(8));
      expect(values("square")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      // `upTo` and `total` had new inputs (8, and eight squares).
      expect(marks("upTo")).toHaveLength(2);
      expect(marks("total")).toHaveLength(2);
      // Nothing new: nothing is called.
      expect(await runner.run(8, { resume: true })).toBe(sumOfSquares(8));
      expect(marks("square")).toHaveLength(8);
      expect(marks("total")).toHaveLength(2);
    });

    it("reuses every call of a run that made them all, the method after a parallel stage too", async () => {
      const runner = make<number, number>(squares(), table, { store });
      expect(await runner.run(6)).toBe(sumOfSquares(6));
      // The stage's outputs come from the journal this time, not from the backend: `total`'s input is the same.
      expect(await runner.run(6, { resume: true })).toBe(sumOfSquares(6));
      expect(marks("upTo")).toHaveLength(1);
      expect(marks("square")).toHaveLength(6);
      expect(marks("total")).toHaveLength(1);
    });

    it("reuses the stored items of a stage that reads an iterable, and numbers the others as the stage does", async () => {
      const runner = make<Iterable<number>, number>(
        plan({ square: { mode: "parallel", minWorkers: 2 }, total: {} }, [["square", "total"]]),
        { square: fx.square, total: fx.total },
        { store },
      );
      expect(await runner.run(new Set([1, 2, 3]))).toBe(14);
      expect(await runner.run(new Set([2, 5, 3, 6]), { resume: true })).toBe(4 + 25 + 9 + 36);
      expect(values("square")).toEqual([1, 2, 3, 5, 6]);
      const again = marks("square").slice(3);
      expect(again.map((mark) => [mark.x, mark.item])).toEqual(
        expect.arrayContaining([
          [5, 1],
          [6, 3],
        ]),
      );
    });

    it("makes again the calls of a method whose code changed, and of what its changed output reaches", async () => {
      const first = make<number, number>(squares(), table, { store });
      await first.run(4);
      // Same export, new code: its calls run again; their outputs are the same, so `total` is reused.
      const edited = make<number, number>(squares({ square: { codeHash: "square, edited" } }), table, { store });
      expect(await edited.run(4, { resume: true })).toBe(sumOfSquares(4));
      expect(marks("square")).toHaveLength(8);
      expect(marks("total")).toHaveLength(1);
      // Code that computes something else: `total` receives new values and runs again.
      const cubed = make<number, number>(
        squares({ square: { exportName: "cube" } }),
        { ...table, square: fx.cube },
        {
          store,
        },
      );
      expect(await cubed.run(4, { resume: true })).toBe(1 + 8 + 27 + 64);
      expect(marks("cube")).toHaveLength(4);
      expect(marks("total")).toHaveLength(2);
      expect(marks("upTo")).toHaveLength(1);
    });

    it("never stores nor reuses a method marked cache: false, nor one whose code the compiler did not read", async () => {
      const stamps = plan({ upTo: { codeHash: null }, stamp: { mode: "parallel", cache: false } }, [["upTo", "stamp"]]);
      const runner = make<number, unknown>(stamps, { upTo: fx.upTo, stamp: fx.stamp }, { store });
      await runner.run(3);
      await runner.run(3, { resume: true });
      expect(marks("stamp")).toHaveLength(6);
      expect(marks("upTo")).toHaveLength(2);
    });

    it("refuses to resume a run that is still going, and a run the journal does not have", async () => {
      const events: FlowEvent[] = [];
      const runner = make<number[], number>(
        plan({ square: { mode: "parallel" }, total: {} }, [["square", "total"]]),
        { square: fx.square, total: fx.total },
        { store, onEvent: (event) => events.push(event) },
      );
      const going = runner.run([1, 1000]);
      await shared.recorded(2);
      const id = events.find((event) => event.type === "run:start")?.journal ?? "";
      await expect(runner.run([1, 1000], { resume: id })).rejects.toMatchObject({ code: ErrorCode.RunBusy, run: id });
      shared.gate(0).open();
      expect(await going).toBe(1 + 1_000_000);
      await expect(runner.run([1], { resume: "no-such-run" })).rejects.toMatchObject({ code: ErrorCode.RunNotFound });
      expect(marks("square")).toHaveLength(2);
    });
  });
}
