/**
 * The conformance sections about calls that fail and runs that stop:
 * errors, retries, timeouts and cancellation. Every method here comes from
 * the fixture module and reports through `shared`, and the assertions hold
 * only what survives a transport (an error's code, name, method, item,
 * attempts, and its cause's name and message), so that a backend may run
 * these sections in other processes. That errors and abort reasons are the
 * very objects in process is for ./same-objects.inline.test.ts.
 */
import { describe, expect, it } from "vitest";
import { CancelledError, ErrorCode, MethodError, MethodTimeoutError, type FlowEvent } from "../../stdlib/index.js";
import * as fixtures from "../fixtures/threads/conformance.methods.js";
import { shared } from "../fixtures/threads/shared-state.js";
import { brief, HANG, type Make } from "./conformance-harness.js";
import { settle } from "./latch.js";
import { buildPlan } from "./plans.js";

export function describeFailures(make: Make): void {
  describe("failures and retries", () => {
    it("wraps a method's error in a MethodError naming the method", async () => {
      const plan = buildPlan({ a: { exportName: "same" }, save: { exportName: "diskFull" } }, [["a", "save"]]);
      const runner = make<number, number>(plan, { a: fixtures.same, save: fixtures.diskFull });
      const error = await runner.run(1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MethodError);
      expect(error).toMatchObject({
        name: "MethodError",
        code: ErrorCode.MethodFailed,
        method: "save",
        item: undefined,
        attempts: 1,
      });
      expect((error as MethodError).cause).toMatchObject({ name: "Error", message: "disk full" });
      expect((error as MethodError).message).toBe("Method 'save' failed after 1 attempt: disk full");
    });

    it("retries a failing call: fails twice, then succeeds on attempt 3", async () => {
      const events: FlowEvent[] = [];
      const plan = buildPlan({ flaky: { retries: 3, exportName: "failTwice" } });
      const runner = make<number, number>(plan, { flaky: fixtures.failTwice });
      await expect(runner.run(21, { onEvent: (event) => events.push(event) })).resolves.toBe(42);
      // What a method reports may travel apart from its result, and arrive after it.
      await shared.recorded(3);
      expect(shared.records()).toEqual([{ attempt: 1 }, { attempt: 2 }, { attempt: 3 }]);
      const retries = events.filter((event) => event.type === "call:retry");
      expect(retries.map((event) => [event.method, event.item, event.attempt, (event.error as Error).message])).toEqual(
        [
          ["flaky", undefined, 1, "try 1"],
          ["flaky", undefined, 2, "try 2"],
        ],
      );
      expect(events.some((event) => event.type === "call:fail")).toBe(false);
    });

    it("reports exhausted retries of a parallel item with its method, item, attempts and cause", async () => {
      const events: FlowEvent[] = [];
      const plan = buildPlan({ transform: { mode: "parallel", minWorkers: 2, retries: 2, exportName: "failOn17" } });
      const runner = make<number[], number[]>(plan, { transform: fixtures.failOn17 });
      const items = Array.from({ length: 20 }, (_, i) => i);
      const error = await runner.run(items, { onEvent: (event) => events.push(event) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MethodError);
      expect(error).toMatchObject({ method: "transform", item: 17, attempts: 3 });
      // The method's own error, with its name and fields, wherever it was thrown.
      expect((error as MethodError).cause).toBeInstanceOf(Error);
      expect((error as MethodError).cause).toMatchObject({ name: "RowError", message: "bad row", code: "E_ROW" });
      expect((error as MethodError).message).toBe("Method 'transform' failed on item 17 after 3 attempts: bad row");
      expect(events.filter((event) => event.type === "call:retry" || event.type === "call:fail").map(brief)).toEqual([
        "call:retry transform#17 attempt 1",
        "call:retry transform#17 attempt 2",
        "call:fail transform#17 after 3",
      ]);
    });

    it("does not retry a NonRetryableError", async () => {
      const runner = make<number, number>(buildPlan({ load: { retries: 5, exportName: "noId" } }), {
        load: fixtures.noId,
      });
      const error = await runner.run(1).catch((e: unknown) => e);
      await shared.reach("calls", 1);
      await settle();
      expect(shared.get("calls")).toBe(1);
      expect(error).toMatchObject({ method: "load", attempts: 1 });
      expect((error as MethodError).cause).toMatchObject({ name: "NonRetryableError", message: "row 3 has no id" });
      expect((error as MethodError).message).toBe("Method 'load' failed after 1 attempt: row 3 has no id");
    });

    it("aborts a call's signal when its timeout expires and counts it as a failure", async () => {
      const runner = make<number, number>(buildPlan({ slow: { timeoutMs: 20, exportName: "waitForAbort" } }), {
        slow: fixtures.waitForAbort,
      });
      const error = await runner.run(1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MethodError);
      expect((error as MethodError).message).toBe("Method 'slow' failed after 1 attempt: timed out after 20 ms");
      const cause = (error as MethodError).cause;
      expect(cause).toBeInstanceOf(MethodTimeoutError);
      expect(cause).toMatchObject({
        name: "TimeoutError",
        code: ErrorCode.MethodTimeout,
        method: "slow",
        timeoutMs: 20,
      });
      await shared.reach("aborted", 1);
      expect(shared.records()).toEqual([{ name: "TimeoutError", message: "timed out after 20 ms" }]);
    });

    it("fails a timed-out call even when the method ignores its signal, and retries it", async () => {
      const runner = make<number, string>(
        buildPlan({ stuck: { timeoutMs: 20, retries: 1, exportName: "stuckOnce" } }),
        { stuck: fixtures.stuckOnce },
      );
      await expect(runner.run(7)).resolves.toBe("ok 7");
      await shared.recorded(2);
      expect(shared.records()).toEqual([{ attempt: 1 }, { attempt: 2 }]);
    });

    it("times out a parallel call, aborting its signal with a TimeoutError, and retries it", async () => {
      const plan = buildPlan({
        each: { mode: "parallel", minWorkers: 2, timeoutMs: 30, retries: 1, exportName: "slowFirstAttempt" },
      });
      const runner = make<number[], number[]>(plan, { each: fixtures.slowFirstAttempt }, { workers: 2 });
      await expect(runner.run([5, 6])).resolves.toEqual([5, 6]);
      await shared.recorded(2);
      const records = shared.records() as { item: number }[];
      expect(records.sort((a, b) => a.item - b.item)).toEqual([
        { item: 0, name: "TimeoutError", message: "timed out after 30 ms" },
        { item: 1, name: "TimeoutError", message: "timed out after 30 ms" },
      ]);
    });

    it(
      "cancels the other methods in flight when one fails, and starts no more",
      async () => {
        // `b` fails once `c` has started; `c` waits for its signal; `d` would need both.
        const plan = buildPlan(
          {
            a: { exportName: "same" },
            b: { exportName: "failOnceStarted" },
            c: { exportName: "waitForAbort" },
            d: { exportName: "counted" },
          },
          [
            ["a", "b"],
            ["a", "c"],
            ["b", "d"],
            ["c", "d"],
          ],
        );
        const runner = make<number, unknown>(plan, {
          a: fixtures.same,
          b: fixtures.failOnceStarted,
          c: fixtures.waitForAbort,
          d: fixtures.counted,
        });
        const error = await runner.run(1).catch((e: unknown) => e);
        expect((error as MethodError).message).toBe("Method 'b' failed after 1 attempt: b broke");
        await shared.reach("aborted", 1);
        expect(shared.records()).toEqual([
          { name: "MethodError", message: "Method 'b' failed after 1 attempt: b broke" },
        ]);
        await settle();
        expect(shared.get("calls")).toBe(0);
      },
      HANG,
    );

    it(
      "stops a parallel map at its first failed item and aborts the items in flight",
      async () => {
        const plan = buildPlan({ each: { mode: "parallel", minWorkers: 3, exportName: "failOneAbortOthers" } });
        const runner = make<number[], number[]>(plan, { each: fixtures.failOneAbortOthers }, { workers: 3 });
        const error = await runner.run(Array.from({ length: 30 }, (_, i) => i)).catch((e: unknown) => e);
        expect(error).toMatchObject({ method: "each", item: 1, attempts: 1 });
        expect((error as MethodError).message).toBe("Method 'each' failed on item 1 after 1 attempt: item 1 failed");
        // The two calls still waiting see their signals abort, wherever they run.
        await shared.reach("aborted", 2);
        await settle();
        expect(shared.get("started")).toBe(2);
        expect(shared.get("aborted")).toBe(2);
        expect(shared.get("calls")).toBe(3);
      },
      HANG,
    );
  });
}

export function describeCancellation(make: Make): void {
  describe("cancellation", () => {
    it(
      "rejects at once when the run's signal aborts, aborting the calls in flight",
      async () => {
        // `hang` ignores its signal on purpose: the run must not wait for it.
        const plan = buildPlan(
          { a: { exportName: "same" }, hang: { exportName: "ignoreAbort" }, later: { exportName: "counted" } },
          [
            ["a", "hang"],
            ["hang", "later"],
          ],
        );
        const runner = make<number, number>(plan, {
          a: fixtures.same,
          hang: fixtures.ignoreAbort,
          later: fixtures.counted,
        });
        const controller = new AbortController();
        const reason = new Error("user stop");
        const run = runner.run(1, { signal: controller.signal });
        await shared.reach("started", 1);
        controller.abort(reason);
        const error = await run.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CancelledError);
        expect(error).toMatchObject({ name: "AbortError", code: ErrorCode.Cancelled });
        expect((error as CancelledError).reason).toBe(reason);
        expect((error as CancelledError).message).toBe("Run of 'test' was cancelled: user stop");
        await shared.reach("aborted", 1);
        expect(shared.records()).toEqual([{ name: "AbortError", message: "Run of 'test' was cancelled: user stop" }]);
        expect(shared.get("calls")).toBe(0);
      },
      HANG,
    );

    it(
      "aborts the signals of parallel calls in flight with the run's CancelledError",
      async () => {
        const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "waitForAbort" } });
        const runner = make<number[], number[]>(plan, { each: fixtures.waitForAbort }, { workers: 2 });
        const controller = new AbortController();
        const run = runner.run([1, 2, 3, 4], { signal: controller.signal });
        await shared.reach("started", 2);
        controller.abort(new Error("user stop"));
        const error = await run.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CancelledError);
        expect((error as CancelledError).message).toBe("Run of 'test' was cancelled: user stop");
        await shared.reach("aborted", 2);
        expect(shared.records()).toEqual([
          { name: "AbortError", message: "Run of 'test' was cancelled: user stop" },
          { name: "AbortError", message: "Run of 'test' was cancelled: user stop" },
        ]);
        await settle();
        // No further item starts once the run is cancelled.
        expect(shared.get("started")).toBe(2);
      },
      HANG,
    );

    it("calls nothing when the signal is already aborted", async () => {
      const plan = buildPlan({ a: { exportName: "counted" }, b: { exportName: "counted" } }, [["a", "b"]]);
      const runner = make<number, number>(plan, { a: fixtures.counted, b: fixtures.counted });
      const error = await runner.run(1, { signal: AbortSignal.abort("shutting down") }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CancelledError);
      expect((error as CancelledError).message).toBe("Run of 'test' was cancelled: shutting down");
      expect(shared.get("calls")).toBe(0);
    });

    it(
      "stops retrying once the run is cancelled",
      async () => {
        // The retry is due long after the cancellation has reached every worker, wherever they run.
        const runner = make<number, number>(
          buildPlan({ flaky: { retries: 5, exportName: "stillDown" } }),
          { flaky: fixtures.stillDown },
          { retryBackoff: { baseMs: 1000, maxMs: 1000 } },
        );
        const controller = new AbortController();
        const run = runner.run(1, { signal: controller.signal });
        await shared.reach("calls", 1);
        controller.abort(new Error("enough"));
        await expect(run).rejects.toBeInstanceOf(CancelledError);
        await settle(20);
        expect(shared.get("calls")).toBe(1);
      },
      HANG,
    );
  });
}
