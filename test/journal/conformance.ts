/**
 * What every run store must do (the RunStore contract), run against each
 * store from its own test file:
 *
 *   describeStoreConformance("sqlite", harness);
 *
 * Other holders of runs are real processes (./store-child.ts) opened on the
 * same journal; a holder that died was SIGKILLed and reaped. Nothing waits on
 * time: leases run out because a renewal set them in the past.
 */
import { hostname } from "node:os";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCode, type NewRun, type RunOwner, type RunStore } from "../../stdlib/index.js";
import { StoreChild, type StoreSpec } from "./children.js";

/** How the suite gets a fresh, empty journal, and how a child opens the same one. */
export interface StoreHarness {
  open(): Promise<{ readonly store: RunStore; readonly spec: StoreSpec }>;
}

const me: RunOwner = { host: hostname(), pid: process.pid, token: "me" };
/** A holder on another host: its pid is never probed, only its lease counts. */
const remote: RunOwner = { host: "elsewhere.invalid", pid: 4242, token: "remote" };

function newRun(id: string, overrides: Partial<NewRun> = {}): NewRun {
  return {
    id,
    plan: "orders",
    planHash: "hash-1",
    manifest: "/work/orders.flow",
    input: { customer: 7, lines: [{ sku: "a", note: undefined }], tags: ["x"] },
    owner: me,
    startedAt: 1_000_000,
    ...overrides,
  };
}

/** The error `body` fails with, synchronously or not. */
async function failure(body: () => unknown): Promise<Record<string, unknown>> {
  try {
    await body();
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error("expected a failure");
}

export function describeStoreConformance(name: string, harness: StoreHarness): void {
  describe(`run store conformance: ${name}`, () => {
    let store: RunStore;
    let spec: StoreSpec;
    const children: StoreChild[] = [];

    beforeEach(async () => {
      ({ store, spec } = await harness.open());
    });

    afterEach(async () => {
      await Promise.all(children.splice(0).map((child) => child.kill()));
      await store.close();
    });

    async function child(): Promise<StoreChild> {
      const started = await StoreChild.start(spec);
      children.push(started);
      return started;
    }

    it("records a new run and keeps its input", async () => {
      const before = Date.now();
      await store.begin(newRun("r1"));
      const run = await store.run("r1");
      expect(run).toMatchObject({
        id: "r1",
        plan: "orders",
        planHash: "hash-1",
        manifest: "/work/orders.flow",
        status: "running",
        startedAt: 1_000_000,
        endedAt: null,
        failedMethod: null,
        error: null,
        resumes: 0,
        owner: me,
      });
      expect(run!.leaseUntil).toBeGreaterThan(before);
      expect(await store.input("r1")).toEqual({ input: newRun("r1").input });
      const stored = (await store.input("r1")) as { input: { lines: object[] } };
      expect(Object.keys(stored.input.lines[0]!)).toEqual(["sku", "note"]);
      expect(await store.run("nope")).toBeUndefined();
      expect(await store.input("nope")).toBeUndefined();
    });

    it("refuses a taken id and an input it cannot store", async () => {
      await store.begin(newRun("r1"));
      expect(await failure(() => store.begin(newRun("r1", { plan: "other" })))).toMatchObject({
        code: ErrorCode.RunExists,
        location: store.location,
      });
      expect((await store.run("r1"))!.plan).toBe("orders");
      const error = await failure(() => store.begin(newRun("r2", { input: { callback: () => 1 } })));
      expect(error).toMatchObject({ code: ErrorCode.NotStorable, location: store.location });
      expect(String(error["message"])).toContain("callback");
      expect(await store.run("r2")).toBeUndefined();
    });

    it("stores outputs by key, keeps the first, and reads them back in order", async () => {
      await store.put([
        { key: "k1", method: "a", run: "r1", output: { total: 3, missing: undefined } },
        { key: "k2", method: "a", run: "r1", output: undefined },
        { key: "k3", method: "b", run: "r1", output: [1, "two", null, [3]] },
      ]);
      await store.put([{ key: "k1", method: "a", run: "r2", output: "second" }]);
      await store.flush();
      expect(await store.get(["k3", "nope", "k1", "k2"])).toEqual([
        { output: [1, "two", null, [3]] },
        undefined,
        { output: { total: 3, missing: undefined } },
        { output: undefined },
      ]);
      const [k1] = await store.get(["k1"]);
      expect(Object.keys(k1!.output as object)).toEqual(["total", "missing"]);
      expect(await store.get([])).toEqual([]);
    });

    it("refuses an output it cannot store, naming its method, and stores none of that put", async () => {
      const error = await failure(() =>
        store.put([
          { key: "ok", method: "fine", run: "r1", output: 1 },
          { key: "bad", method: "clock", run: "r1", output: { at: Symbol("now") } },
        ]),
      );
      expect(error).toMatchObject({ code: ErrorCode.NotStorable, location: store.location });
      expect(String(error["message"])).toContain("'clock'");
      await store.flush();
      expect(await store.get(["ok", "bad"])).toEqual([undefined, undefined]);
    });

    it("reads 10,000 stored outputs back in one get", async () => {
      const keys = Array.from({ length: 10_000 }, (_, i) => `key-${i}`);
      for (let i = 0; i < keys.length; i += 2_500) {
        await store.put(
          keys.slice(i, i + 2_500).map((key, j) => ({ key, method: "m", run: "r1", output: { n: i + j } })),
        );
      }
      await store.flush();
      const asked = [...keys, "missing-1", "missing-2"].reverse();
      const got = await store.get(asked);
      expect(got).toHaveLength(10_002);
      expect(got.slice(0, 2)).toEqual([undefined, undefined]);
      got.slice(2).forEach((stored, i) => expect(stored).toEqual({ output: { n: 9_999 - i } }));
    });

    it("keeps method records in the order they started, with the outputs each stored", async () => {
      await store.begin(newRun("r1"));
      await store.method({
        run: "r1",
        method: "fetch",
        status: "running",
        calls: 1,
        reused: 0,
        startedAt: 10,
        endedAt: null,
      });
      await store.method({
        run: "r1",
        method: "score",
        status: "running",
        calls: 3,
        reused: 0,
        startedAt: 10,
        endedAt: null,
      });
      await store.method({ run: "r1", method: "load", status: "ok", calls: 1, reused: 1, startedAt: 5, endedAt: 6 });
      await store.method({ run: "r1", method: "fetch", status: "ok", calls: 1, reused: 0, startedAt: 10, endedAt: 12 });
      await store.put([
        { key: "f1", method: "fetch", run: "r1", output: 1 },
        { key: "s1", method: "score", run: "r1", output: 1 },
        { key: "s2", method: "score", run: "r1", output: 2 },
        { key: "x1", method: "score", run: "r2", output: 2 },
      ]);
      await store.flush();
      expect(await store.methods("r1")).toEqual([
        { run: "r1", method: "load", status: "ok", calls: 1, reused: 1, startedAt: 5, endedAt: 6, stored: 0 },
        { run: "r1", method: "fetch", status: "ok", calls: 1, reused: 0, startedAt: 10, endedAt: 12, stored: 1 },
        { run: "r1", method: "score", status: "running", calls: 3, reused: 0, startedAt: 10, endedAt: null, stored: 2 },
      ]);
      expect(await store.methods("nope")).toEqual([]);
    });

    it("lists runs newest first, by plan and manifest, up to a limit", async () => {
      await store.begin(newRun("a1", { plan: "a", startedAt: 100, manifest: "/m/a.flow" }));
      await store.begin(newRun("b1", { plan: "b", startedAt: 300, manifest: null }));
      await store.begin(newRun("a2", { plan: "a", startedAt: 200, manifest: "/m/a.flow" }));
      await store.begin(newRun("a3", { plan: "a", startedAt: 400, manifest: "/elsewhere/a.flow" }));
      const ids = async (options?: Parameters<RunStore["list"]>[0]): Promise<string[]> =>
        (await store.list(options)).map((run) => run.id);
      expect(await ids()).toEqual(["a3", "b1", "a2", "a1"]);
      expect(await ids({ plan: "a" })).toEqual(["a3", "a2", "a1"]);
      expect(await ids({ manifest: "/m/a.flow" })).toEqual(["a2", "a1"]);
      expect(await ids({ plan: "a", limit: 2 })).toEqual(["a3", "a2"]);
      expect(await ids({ plan: "c" })).toEqual([]);
    });

    describe("clean", () => {
      const now = Date.now();
      const ended = { endedAt: now, failedMethod: null, error: null } as const;

      beforeEach(async () => {
        for (const [id, age] of [
          ["old", 50_000],
          ["mid", 20_000],
          ["new", 1_000],
        ] as const) {
          await store.begin(newRun(id, { startedAt: now - age }));
          await store.put([{ key: `${id}-out`, method: "m", run: id, output: id }]);
          await store.method({ run: id, method: "m", status: "ok", calls: 1, reused: 0, startedAt: 1, endedAt: 2 });
          await store.end(id, me, { status: "ok", ...ended });
        }
        await store.flush();
      });

      it("removes runs older than an age, with their outputs and method records", async () => {
        expect(await store.clean({ olderThanMs: 30_000 })).toEqual(["old"]);
        expect((await store.list()).map((run) => run.id)).toEqual(["new", "mid"]);
        expect(await store.get(["old-out", "mid-out"])).toEqual([undefined, { output: "mid" }]);
        expect(await store.methods("old")).toEqual([]);
        expect(await store.input("old")).toBeUndefined();
      });

      it("removes runs beyond a count, by plan, and nothing without a bound", async () => {
        await store.begin(newRun("other", { plan: "other", startedAt: now - 90_000 }));
        await store.end("other", me, { status: "failed", ...ended });
        expect(await store.clean({})).toEqual([]);
        expect([...(await store.clean({ keep: 1, plan: "orders" }))].sort()).toEqual(["mid", "old"]);
        expect((await store.list()).map((run) => run.id)).toEqual(["new", "other"]);
        expect(await store.get(["new-out", "mid-out", "old-out"])).toEqual([{ output: "new" }, undefined, undefined]);
      });

      it("removes runs of one manifest alone, whatever the others' plans are named", async () => {
        await store.begin(newRun("elsewhere", { startedAt: now - 90_000, manifest: "/elsewhere/orders.flow" }));
        await store.end("elsewhere", me, { status: "ok", ...ended });
        expect([...(await store.clean({ keep: 1, manifest: "/work/orders.flow" }))].sort()).toEqual(["mid", "old"]);
        expect([...(await store.clean({ keep: 0, manifest: "/nowhere/orders.flow" }))]).toEqual([]);
        expect((await store.list()).map((run) => run.id)).toEqual(["new", "elsewhere"]);
      });

      it("keeps running runs unless asked for interrupted ones whose holder is gone", async () => {
        await store.begin(newRun("live", { startedAt: now - 90_000 }));
        await store.begin(newRun("gone", { startedAt: now - 80_000, owner: remote }));
        // The remote holder's lease ran out: it is gone as far as this host can tell.
        expect(await store.renew("gone", remote, -1)).toBe(true);
        expect([...(await store.clean({ olderThanMs: 30_000 }))]).toEqual(["old"]);
        expect([...(await store.clean({ keep: 0, interrupted: true }))].sort()).toEqual(["gone", "mid", "new"]);
        expect((await store.list()).map((run) => run.id)).toEqual(["live"]);
      });
    });

    describe("claim", () => {
      it("fails for a run the journal does not have", async () => {
        expect(await failure(() => store.claim("nope", me, "h"))).toMatchObject({ code: ErrorCode.RunNotFound });
      });

      it("refuses a run a live process holds, and takes it once that process was killed", async () => {
        const holder = await child();
        const owner = { host: hostname(), pid: holder.pid, token: "child" };
        expect(await holder.call("begin", newRun("r1", { owner }))).toMatchObject({ ok: true });
        const busy = await failure(() => store.claim("r1", me, "hash-2"));
        expect(busy).toMatchObject({ code: ErrorCode.RunBusy, name: "RunBusyError", run: "r1" });
        expect(busy["holder"]).toBe(`${hostname()}:${holder.pid}`);
        expect(String(busy["message"])).toContain(`${hostname()}:${holder.pid}`);

        await holder.kill();
        const { run, input } = await store.claim("r1", me, "hash-2");
        expect(run).toMatchObject({ status: "running", owner, resumes: 0, planHash: "hash-1" });
        expect(input).toEqual(newRun("r1").input);
        expect(await store.run("r1")).toMatchObject({ status: "running", owner: me, resumes: 1, planHash: "hash-2" });
      });

      it("lets exactly one of two processes claiming at once take each run", async () => {
        // Several runs, each claimed by both at once: a claim that is not atomic loses one of these races.
        const ids = Array.from({ length: 8 }, (_, i) => `r${i}`);
        for (const id of ids) {
          await store.begin(newRun(id));
          await store.end(id, me, { status: "failed", endedAt: 2_000_000, failedMethod: "m", error: "boom" });
        }
        const claimers = await Promise.all([child(), child()]);
        const owners = claimers.map((c) => ({ host: hostname(), pid: c.pid, token: `child-${c.pid}` }));
        const replies = await Promise.all(
          ids.map((id) => Promise.all(claimers.map((c, i) => c.call("claim", id, owners[i], "hash-2")))),
        );
        for (const [i, pair] of replies.entries()) {
          const winners = pair.filter((reply) => reply.ok);
          expect(winners, ids[i]).toHaveLength(1);
          expect(pair.find((reply) => !reply.ok)).toMatchObject({ ok: false, error: { code: ErrorCode.RunBusy } });
          const winner = owners[pair.indexOf(winners[0]!)];
          expect(await store.run(ids[i]!)).toMatchObject({ status: "running", owner: winner, resumes: 1 });
        }
      });

      it("takes a run whose holder's lease ran out; the old holder can no longer renew or end it", async () => {
        await store.begin(newRun("r1", { owner: remote }));
        expect(await store.renew("r1", remote, 60_000)).toBe(true);
        expect(await failure(() => store.claim("r1", me, "h"))).toMatchObject({ code: ErrorCode.RunBusy });
        expect(await store.renew("r1", me, 60_000)).toBe(false);

        expect(await store.renew("r1", remote, -1)).toBe(true);
        await store.claim("r1", me, "h");
        expect(await store.renew("r1", remote, 60_000)).toBe(false);
        await store.end("r1", remote, { status: "ok", endedAt: 5, failedMethod: null, error: null });
        expect(await store.run("r1")).toMatchObject({ status: "running", owner: me, endedAt: null });
        const before = Date.now();
        expect(await store.renew("r1", me, 60_000)).toBe(true);
        expect((await store.run("r1"))!.leaseUntil).toBeGreaterThanOrEqual(before + 60_000);
      });
    });

    it("records how a run ended and releases it", async () => {
      await store.begin(newRun("r1"));
      await store.end("r1", me, { status: "failed", endedAt: 2_000_000, failedMethod: "score", error: "boom" });
      expect(await store.run("r1")).toMatchObject({
        status: "failed",
        endedAt: 2_000_000,
        failedMethod: "score",
        error: "boom",
        owner: null,
        leaseUntil: null,
      });
      expect(await store.renew("r1", me, 1_000)).toBe(false);
      const { run } = await store.claim("r1", { ...me, token: "again" }, "hash-2");
      expect(run.status).toBe("failed");
      expect(await store.run("r1")).toMatchObject({
        status: "running",
        endedAt: null,
        failedMethod: null,
        error: null,
      });
      await store.end(
        "r1",
        { ...me, token: "again" },
        { status: "ok", endedAt: 3_000_000, failedMethod: null, error: null },
      );
      expect(await store.run("r1")).toMatchObject({ status: "ok", endedAt: 3_000_000, resumes: 1 });
    });

    it("closes once, and fails with a JournalError after", async () => {
      await store.begin(newRun("r1"));
      await store.close();
      await store.close();
      expect(await failure(() => store.run("r1"))).toMatchObject({
        code: ErrorCode.JournalUnavailable,
        location: store.location,
      });
    });
  });
}
