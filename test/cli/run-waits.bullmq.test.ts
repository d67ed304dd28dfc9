import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithRedis, RedisServer } from "../bullmq/redis-server.js";
import { flowc } from "./helpers.js";

/** `flowc run --backend bullmq --worker-wait`: the flag reaches the backend, whose failure names the wait. */
describeWithRedis("flowc run --backend bullmq --worker-wait", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await redis.dispose();
  });

  it("fails after the wait given, with no worker serving the plan", () => {
    const result = flowc([
      "run",
      "test/fixtures/cli/no-input/no-input.flow",
      "--backend",
      "bullmq",
      "--redis",
      redis.url,
      "--worker-wait",
      "1500ms",
      "--connection-wait",
      "2s",
      "--quiet",
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^flowc: run failed: Method 'greeting' has no live worker: no worker serves it after waiting 1\.5 s \(workerWait\)\. /,
    );
  });

  it("runs on the backend the manifest declares ('backend bullmq;') when --backend is not given", () => {
    const result = flowc([
      "run",
      "test/fixtures/cli/declared-bullmq/declared-bullmq.flow",
      "--redis",
      redis.url,
      "--worker-wait",
      "1s",
      "--quiet",
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^flowc: run failed: Method 'greeting' has no live worker: no worker serves it after waiting 1 s \(workerWait\)\. /,
    );
  });
});
