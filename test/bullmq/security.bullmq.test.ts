import { Queue, type Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WIRE_VERSION } from "../../stdlib/backends/bullmq/messages.js";
import { decodeJson } from "../../stdlib/backends/bullmq/payload.js";
import { PayloadError } from "../../stdlib/errors.js";
import { bullmq, createRunner, createWorker, MethodError, type FlowWorker } from "../../stdlib/index.js";
import { buildPlan } from "../runtime/plans.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

describe("payload decoding", () => {
  it("refuses __proto__ keys anywhere, also spelled with escapes", () => {
    expect(() => decodeJson('[{"a": {"__proto__": {"polluted": 1}}}]')).toThrow(
      new PayloadError("it holds the key '__proto__' at $[0].a.__proto__, which could pollute object prototypes"),
    );
    expect(() => decodeJson('{"\\u005f_proto__": {}}')).toThrow("it holds the key '__proto__' at $.__proto__");
  });

  it("refuses constructor.prototype gadgets but keeps such names holding plain values", () => {
    expect(() => decodeJson('{"constructor": {"prototype": {"x": 1}}}')).toThrow(
      "it holds the key 'constructor' at $.constructor",
    );
    expect(decodeJson('{"constructor": 3, "prototype": "word"}')).toEqual({
      constructor: 3,
      prototype: "word",
    });
  });

  it("names invalid JSON", () => {
    expect(() => decodeJson("[1,")).toThrow(/^not valid JSON \(/);
  });
});

describeWithRedis("bullmq workers refuse forged jobs", () => {
  let redis: RedisServer;
  let worker: FlowWorker;
  let queue: Queue;
  const calls: unknown[] = [];
  const plan = buildPlan({ record: {} }, [], "records");

  beforeAll(async () => {
    redis = await RedisServer.start();
    worker = await createWorker(plan, {
      connection: redis.url,
      modules: { record: (x: unknown) => calls.push(x) },
    });
    const name = (worker.queues.get("record") ?? "").replace(/^flowc:/, "");
    queue = new Queue(name, {
      connection: { host: "127.0.0.1", port: redis.port },
      prefix: "flowc",
    });
  });
  afterAll(async () => {
    await queue.close();
    await worker.close();
    await redis.dispose();
  });

  const valid = {
    v: WIRE_VERSION,
    run: "forged:run:1",
    session: "elsewhere.1",
    shard: 0,
    token: "t0",
    first: 0,
    single: true,
    input: [1],
    holes: [],
    events: false,
    backoff: { baseMs: 1, maxMs: 4 },
  };

  /** The job's failure reason once it settles (or its state, had it completed). */
  async function settled(job: Job): Promise<string> {
    for (let i = 0; i < 500; i++) {
      const state = await job.getState();
      if (state === "failed" || state === "completed") return (await queue.getJob(job.id ?? ""))?.failedReason ?? state;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`job ${job.id ?? ""} never settled`);
  }

  it("fails a job naming a method the worker does not serve, without running anything", async () => {
    const job = await queue.add("deleteEverything", {
      ...valid,
      method: "deleteEverything",
    });
    expect(await settled(job)).toMatch(
      /^Job \d+ in queue 'records\.[0-9a-f]{16}\.record' refused: the job names method 'deleteEverything', but this queue serves 'record' of plan 'records'$/,
    );
    expect(calls).toEqual([]);
  });

  it("fails a job whose payload would pollute prototypes, and nothing is polluted", async () => {
    const input = await queue.add("record", {
      ...valid,
      input: JSON.parse('[{"__proto__": {"polluted": true}}]') as unknown[],
    });
    expect(await settled(input)).toMatch(
      /refused: it holds the key '__proto__' at \$\.input\[0\]\.__proto__, which could pollute object prototypes$/,
    );
    const data = await queue.add("record", JSON.parse(`{"__proto__": {"polluted": true}, "v": 1}`) as object);
    expect(await settled(data)).toMatch(/refused: it holds the key '__proto__' at \$\.__proto__/);
    const gadget = await queue.add("record", {
      ...valid,
      input: [{ constructor: { prototype: { polluted: true } } }],
    });
    expect(await settled(gadget)).toMatch(/refused: it holds the key 'constructor' at \$\.input\[0\]\.constructor/);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it("fails a job whose payload is not what a caller writes, and is never retried", async () => {
    const garbage = await queue.add("record", { ...valid, input: "[1," }, { attempts: 5 });
    expect(await settled(garbage)).toMatch(/refused: job data lacks the array 'input'$/);
    expect((await queue.getJob(garbage.id ?? ""))?.attemptsMade).toBe(1);
    const wrongVersion = await queue.add("record", { ...valid, v: 99 });
    expect(await settled(wrongVersion)).toMatch(
      new RegExp(`refused: job data has format 99, expected ${WIRE_VERSION}$`),
    );
    expect(calls).toEqual([]);
  });

  it("still runs a well-formed job of a live call", async () => {
    const runner = createRunner<unknown, number>(
      plan,
      { record: (x: unknown) => x },
      { backend: bullmq({ connection: redis.url }) },
    );
    await expect(runner.run({ constructor: "word", n: 1 })).resolves.toBe(1);
    expect(calls).toEqual([{ constructor: "word", n: 1 }]);
    await runner.close();
  });

  it("refuses on the caller's side an input that workers would refuse", async () => {
    const runner = createRunner<unknown, number>(
      plan,
      { record: (x: unknown) => x },
      { backend: bullmq({ connection: redis.url }) },
    );
    const error = await runner.run(JSON.parse('{"__proto__": {"polluted": true}}')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MethodError);
    expect((error as MethodError).message).toBe(
      "Method 'record' failed after 0 attempts: its input cannot be sent: it holds the key '__proto__' at $.__proto__, which could pollute object prototypes",
    );
    await runner.close();
  });
});
