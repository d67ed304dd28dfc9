import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { compileFiles } from "../../src/cli/compile-files.js";
import { loadMethods } from "../../src/run/load-methods.js";
import { createRunner, inline } from "../../stdlib/index.js";
import { withInProcessWorkers } from "./in-process.js";
import { root } from "./processes.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

const examples = readdirSync(join(root, "examples"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describeWithRedis("examples on the bullmq backend", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await redis.dispose();
  });

  it("finds the examples", () => {
    expect(examples).toEqual([
      "csv-clean",
      "hash-files",
      "reading-stats",
      "sales-join",
      "support-triage",
      "word-count",
    ]);
  });

  it.each(examples)(
    "%s gives the same output as inline",
    async (name) => {
      const manifest = join("examples", name, `${name}.flow`);
      const [forInline, forBullmq] = await Promise.all([
        compileFiles([manifest], {}, "text"),
        compileFiles([manifest], { backend: "bullmq" }, "text"),
      ]);
      const local = forInline.results[0];
      const distributed = forBullmq.results[0];
      if (local?.plan === undefined || distributed?.plan === undefined)
        throw new Error(`examples/${name} does not compile`);
      expect(distributed.plan.jsonSafe).toBe(true);
      const methods = await loadMethods(local.plan, local.modulePaths);
      const input = JSON.parse(readFileSync(join(root, "examples", name, "input.json"), "utf8")) as unknown;

      const inlineRunner = createRunner(local.plan, methods, {
        backend: inline(),
      });
      const expected = await inlineRunner.run(input);
      const bullmqRunner = createRunner(distributed.plan, methods, {
        backend: withInProcessWorkers(() => redis.url),
      });
      try {
        const output = await bullmqRunner.run(input);
        expect(output).toEqual(expected);
      } finally {
        await Promise.all([inlineRunner.close(), bullmqRunner.close()]);
      }
    },
    60_000,
  );
});
