import { afterAll, beforeAll } from "vitest";
import { describeBackendConformance } from "../runtime/conformance.js";
import { withInProcessWorkers } from "./in-process.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";
import { WorkerHosts } from "./worker-hosts.js";

describeWithRedis("bullmq backend", () => {
  let redis: RedisServer | undefined;
  let hosts: WorkerHosts | undefined;
  beforeAll(async () => {
    [redis, hosts] = await Promise.all([RedisServer.start(), WorkerHosts.start(2)]);
  });
  afterAll(async () => {
    await Promise.all([redis?.dispose(), hosts?.dispose()]);
  });
  const url = (): string => redis?.url ?? "";
  describeBackendConformance("bullmq", () => withInProcessWorkers(url), {
    // Errors and cancellations cross to workers in other processes, as they do in production.
    isolated: () => {
      if (hosts === undefined) throw new Error("the worker hosts did not start");
      return hosts.backend(url);
    },
  });
});
