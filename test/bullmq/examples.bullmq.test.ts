import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { compileFiles } from "../../src/cli/compile-files.js";
import { planHash } from "../../src/plan/build-plan.js";
import { loadMethods } from "../../src/run/load-methods.js";
import { createRunner, inline, type PlanDescriptor } from "../../stdlib/index.js";
import { withInProcessWorkers } from "./in-process.js";
import { root } from "./processes.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

const examples = readdirSync(join(root, "examples"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** The plan as `flowc build --backend bullmq` marks it; every example's values are plain JSON. */
function forJson(plan: PlanDescriptor): PlanDescriptor {
  if (plan.jsonSafe) return plan;
  const { hash: _hash, ...body } = { ...plan, jsonSafe: true };
  return { ...body, hash: planHash(body) };
}

describeWithRedis("examples on the bullmq backend", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await redis.dispose();
  });

  it("finds the examples", () => {
    expect(examples).toEqual(["csv-clean", "hash-files", "reading-stats", "sales-join", "word-count"]);
  });

  it.each(examples)(
    "%s gives the same output as inline",
    async (name) => {
      const { results } = await compileFiles([join("examples", name, `${name}.flow`)], {}, "text");
      const compiled = results[0];
      if (compiled?.plan === undefined) throw new Error(`examples/${name} does not compile`);
      const methods = await loadMethods(compiled.plan, compiled.modulePaths);
      const input = JSON.parse(readFileSync(join(root, "examples", name, "input.json"), "utf8")) as unknown;

      const local = createRunner(compiled.plan, methods, { backend: inline() });
      const expected = await local.run(input);
      const distributed = createRunner(forJson(compiled.plan), methods, { backend: withInProcessWorkers(() => redis.url) });
      try {
        const output = await distributed.run(input);
        expect(output).toEqual(expected);
      } finally {
        await Promise.all([local.close(), distributed.close()]);
      }
    },
    60_000,
  );
});
