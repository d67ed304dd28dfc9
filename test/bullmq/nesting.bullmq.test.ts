import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPayload, MAX_DEPTH } from "../../stdlib/backends/bullmq/payload.js";
import { PayloadError } from "../../stdlib/errors.js";
import { bullmq, createRunner, createWorker, MethodError, type FlowWorker } from "../../stdlib/index.js";
import { buildPlan } from "../runtime/plans.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

/** `[[[…[leaf]…]]]`, `depth` arrays deep, built without recursion. */
function nested(depth: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe("payload nesting", () => {
  it("refuses a value nested past the bound, naming the depth and where, without overflowing the stack", () => {
    expect(() => checkPayload(nested(5000))).toThrow(
      new PayloadError(
        "it nests deeper than 1000 levels (at $[0][0][0][0][0][0]…(988 levels)…[0][0][0][0][0][0]), the most the bullmq backend carries",
      ),
    );
    expect(() => checkPayload(nested(100_000))).toThrow("it nests deeper than 1000 levels");
    // The bound itself is carried.
    expect(() => checkPayload(nested(MAX_DEPTH))).not.toThrow();
  });

  it("names a gadget key far down without building its path recursively", () => {
    const gadget = nested(3000, JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(() => checkPayload(gadget, Infinity)).toThrow(
      "it holds the key '__proto__' at $[0][0][0][0][0][0]…(2989 levels)…[0][0][0][0][0].__proto__, which could pollute object prototypes",
    );
  });
});

describeWithRedis("bullmq with deeply nested values", () => {
  let redis: RedisServer;
  let worker: FlowWorker;
  const plan = buildPlan(
    { echo: {}, wrap: { mode: "parallel", minWorkers: 1, shardSize: 2 } },
    [["echo", "wrap"]],
    "nesting",
  );
  const methods = {
    echo: (x: unknown) => x,
    // Item 1 comes back nested 5000 levels deep; the others as they came.
    wrap: (x: number) => (x === 1 ? nested(5000) : x),
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
    worker = await createWorker(plan, { connection: redis.url, modules: methods });
  });
  afterAll(async () => {
    await worker.close();
    await redis.dispose();
  });

  it("fails an input nested past the bound at the caller, naming the method and the limit", async () => {
    const runner = createRunner<unknown, unknown>(plan, methods, { backend: bullmq({ connection: redis.url }) });
    const error = await runner.run(nested(5000)).catch((e: unknown) => e);
    await runner.close();
    expect(error).toBeInstanceOf(MethodError);
    expect((error as MethodError).message).toBe(
      "Method 'echo' failed after 0 attempts: its input cannot be sent: it nests deeper than 1000 levels " +
        "(at $[0][0][0][0][0][0]…(988 levels)…[0][0][0][0][0][0]), the most the bullmq backend carries",
    );
  });

  it("fails an output nested past the bound on the worker, naming the method and the item, without retrying", async () => {
    const runner = createRunner<unknown, unknown>(plan, methods, { backend: bullmq({ connection: redis.url }) });
    const error = await runner.run([0, 1, 2]).catch((e: unknown) => e);
    await runner.close();
    expect(error).toBeInstanceOf(MethodError);
    expect(error).toMatchObject({ method: "wrap", item: 1, attempts: 1 });
    expect((error as MethodError).message).toBe(
      "Method 'wrap' failed on item 1 after 1 attempt: its output cannot be sent: it nests deeper than 1000 levels " +
        "(at $[0][0][0][0][0][0]…(988 levels)…[0][0][0][0][0][0]), the most the bullmq backend carries",
    );
  });

  it("still carries a value as deep as the bound, both ways", async () => {
    const runner = createRunner<unknown, unknown>(plan, methods, { backend: bullmq({ connection: redis.url }) });
    const deep = nested(MAX_DEPTH - 1, 7);
    await expect(runner.run([deep, 3] as unknown)).resolves.toEqual([deep, 3]);
    await runner.close();
  });
});
