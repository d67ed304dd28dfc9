import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bullmq, createWorker, PlanError } from "../../stdlib/index.js";
import { buildPlan } from "../runtime/plans.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

/** 600 h: past the 2³¹−1 ms a Node timer can wait, after which it fires at once. */
const TOO_LONG = 600 * 3_600_000;

describe("bullmq durations past what a timer can wait", () => {
  it("refuses them in the caller's options, naming the option and the bound", () => {
    expect(() => bullmq({ connectionWait: TOO_LONG })).toThrow(
      new PlanError(
        "FLOW_INVALID_OPTION",
        "bullmq() option 'connectionWait' must be from 0 to 2147483647 ms (the longest delay Node's timers honour), got 2160000000 ms.",
      ),
    );
    expect(() => bullmq({ workerWait: 2 ** 31 })).toThrow(
      "bullmq() option 'workerWait' must be from 0 to 2147483647 ms (the longest delay Node's timers honour), got 2147483648 ms.",
    );
    // The longest wait a timer can keep is accepted.
    expect(() => bullmq({ workerWait: 2 ** 31 - 1, connectionWait: 2 ** 31 - 1 })).not.toThrow();
  });

  it("refuses them in a worker's options before it connects anywhere", async () => {
    const plan = buildPlan({ square: {} }, [], "durations");
    const modules = { square: (x: number) => x * x };
    // Port 1 on loopback: were the options accepted, the worker would wait for this Redis for ever.
    const connection = "redis://127.0.0.1:1";
    await expect(createWorker(plan, { connection, modules, lockDuration: TOO_LONG })).rejects.toThrow(
      "createWorker() option 'lockDuration' must be from 1000 to 2147483647 ms",
    );
    await expect(createWorker(plan, { connection, modules, stalledInterval: TOO_LONG })).rejects.toThrow(
      "createWorker() option 'stalledInterval' must be from 100 to 2147483647 ms",
    );
    // Three beats make the worker's expiry: a beat may be a third of the bound at most.
    await expect(createWorker(plan, { connection, modules, heartbeat: 1_000_000_000 })).rejects.toThrow(
      "createWorker() option 'heartbeat' must be from 100 to 715827882 ms,",
    );
  });

  it("refuses a plan whose timeout a worker could not time", async () => {
    const plan = buildPlan({ square: { timeoutMs: TOO_LONG } }, [], "durations");
    await expect(
      createWorker(plan, { connection: "redis://127.0.0.1:1", modules: { square: (x: number) => x * x } }),
    ).rejects.toThrow(
      // The plan's own check refuses it, as for every backend, before the worker looks at its options.
      "Plan 'durations' is invalid: 'square' has timeoutMs 2160000000; it must be more than 0 and at most 2147483647 (2^31 − 1 ms, about 24.8 days: the longest delay Node's timers honour), or null.",
    );
  });
});

describeWithRedis("a worker's grace past the bound", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await redis.dispose();
  });

  it("is refused by close(), which then still closes with a valid one", async () => {
    const plan = buildPlan({ square: {} }, [], "grace");
    const worker = await createWorker(plan, { connection: redis.url, modules: { square: (x: number) => x * x } });
    await expect(worker.close({ graceMs: TOO_LONG })).rejects.toThrow(
      "close() option 'graceMs' must be from 0 to 2147483647 ms",
    );
    await expect(worker.close({ graceMs: 1000 })).resolves.toBeUndefined();
  });
});
