import { afterAll, beforeAll } from "vitest";
import { describeBackendConformance } from "../runtime/conformance.js";
import { withInProcessWorkers } from "./in-process.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

describeWithRedis("bullmq backend", () => {
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await redis?.dispose();
  });
  describeBackendConformance("bullmq", () => withInProcessWorkers(() => redis?.url ?? ""));
});
