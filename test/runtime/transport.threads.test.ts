/**
 * Values that cannot cross to or from a worker thread fail their item once,
 * with a reason, and never take the thread down: an object whose getter
 * throws fails with that error; a value nested thousands of levels deep is
 * explained without overflowing the stack.
 */
import { describe, expect, it } from "vitest";
import { MethodError, NotCloneableError, type FlowEvent } from "../../stdlib/index.js";
import { findCloneProblem } from "../../stdlib/backends/threads/transport.js";
import * as methods from "../fixtures/threads/threads.methods.js";
import { shared } from "../fixtures/threads/shared-state.js";
import { buildPlan } from "./plans.js";
import { crashes, recorder, threadRunners } from "./threads-harness.js";

const make = threadRunners();
const items = Array.from({ length: 12 }, (_, i) => i);

function deep(levels: number): unknown {
  let value: unknown = { leaf: true };
  for (let i = 1; i < levels; i++) value = { inner: value };
  return value;
}

describe("threads: values that cannot cross", () => {
  it("an output whose getter throws fails its item once with that error, naming method and item", async () => {
    shared.set("target", 7);
    const { events, onEvent } = recorder();
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "getterThrowsOnTarget" } });
    const runner = make<number[], unknown[]>(plan, { each: methods.getterThrowsOnTarget });
    const error = await runner.run(items, { onEvent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    expect((error as MethodError).message).toBe(
      "Method 'each' failed on item 7 after 1 attempt: the getter of 7 broke",
    );
    expect((error as MethodError).cause).toBeInstanceOf(RangeError);
    expect((shared.records() as { item: number }[]).filter((record) => record.item === 7)).toHaveLength(1);
    expect(crashes(events)).toBe(0);
    expect(events.filter((event) => event.type === "call:fail")).toMatchObject([
      { method: "each", item: 7, attempts: 1 },
    ]);
  });

  it("an input whose getter throws fails its item with that error before it is sent", async () => {
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "identity" } });
    const runner = make<unknown[], unknown[]>(plan, { each: methods.identity });
    const input: unknown[] = [
      1,
      2,
      {
        get broken(): number {
          throw new Error("input getter broke");
        },
      },
    ];
    const error = await runner.run(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    expect((error as MethodError).message).toBe("Method 'each' failed on item 2 after 0 attempts: input getter broke");
  });

  it("an output nested 5,000 levels deep fails its item with where and why, and no thread dies", async () => {
    shared.set("target", 3);
    const { events, onEvent } = recorder();
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "deepOnTarget" } });
    const runner = make<number[], unknown[]>(plan, { each: methods.deepOnTarget });
    const error = await runner.run(items, { onEvent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    expect(error).toMatchObject({ method: "each", item: 3 });
    const cause = (error as MethodError).cause;
    expect(cause).toBeInstanceOf(NotCloneableError);
    // Too deep for its worker to write, or (a worker's stack being larger) for the calling thread to read back.
    expect((cause as Error).message).toMatch(
      /^outputs\[3\] is (an object nested 5000 levels deep, deeper than structured cloning can go|a value nested too deep for the calling thread to read back \(.*\)), which cannot be returned from a worker thread/,
    );
    expect(crashes(events)).toBe(0);
  });

  it("an input nested 5,000 levels deep is refused with where and why", async () => {
    const plan = buildPlan({ each: { mode: "parallel", minWorkers: 2, exportName: "identity" } });
    const runner = make<unknown[], unknown[]>(plan, { each: methods.identity });
    const error = await runner.run([1, deep(5000)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    expect((error as MethodError).message).toBe(
      "Method 'each' failed on item 1 after 0 attempts: items[1] is an object nested 5000 levels deep, deeper than " +
        "structured cloning can go, which cannot be sent to a worker thread (values that cross threads must be " +
        "structured-cloneable)",
    );
  });

  it("findCloneProblem explains values of any depth without recursion", () => {
    expect(findCloneProblem(deep(200_000), "v")).toEqual({
      kind: "uncloneable",
      path: "v",
      what: "an object nested 200000 levels deep, deeper than structured cloning can go",
    });
    // A function a thousand levels down, in a value shallow enough to clone level by level.
    let value: unknown = { callback: () => 1 };
    for (let i = 0; i < 1000; i++) value = { inner: value };
    expect(findCloneProblem(value, "v")).toEqual({
      kind: "uncloneable",
      path: `v${".inner".repeat(1000)}.callback`,
      what: "a function",
    });
  });
});
