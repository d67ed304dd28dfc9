import { afterAll, beforeAll } from "vitest";
import { redisStore } from "../../stdlib/index.js";
import { describeWithRedis, RedisServer } from "../bullmq/redis-server.js";
import { describeStoreConformance } from "./conformance.js";

describeWithRedis("redis run store", () => {
  let server: RedisServer;
  let made = 0;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.dispose();
  });

  describeStoreConformance("redis", {
    open: async () => {
      // A prefix of its own per test: one server, empty journals.
      const prefix = `case${made++}`;
      return { store: redisStore(server.url, { prefix }), spec: { kind: "redis", url: server.url, prefix } };
    },
  });
});
