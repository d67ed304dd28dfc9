import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createSourceText } from "../../grammar/source.js";
import { compile } from "../../src/compile.js";
import { createTypeScriptServices } from "../../src/typescript-services.js";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/typecheck");
const services = createTypeScriptServices();

async function compileFixture(name: string, backend?: "inline" | "threads" | "bullmq") {
  const file = path.join(fixtures, name, "input.flow");
  return compile(createSourceText(file, readFileSync(file, "utf8")), { backend }, services);
}

describe("compile({ backend })", () => {
  it("hands the backend to the type-check: bullmq proves a plain-data plan jsonSafe", async () => {
    const [bullmq, none] = [
      await compileFixture("ok-json-safe-plan", "bullmq"),
      await compileFixture("ok-json-safe-plan"),
    ];
    expect(bullmq.diagnostics).toEqual([]);
    expect(bullmq.plan?.jsonSafe).toBe(true);
    expect(none.plan?.jsonSafe).toBe(false);
  });

  it("stops at FLOW4008 with bullmq, and only warns about threads without it", async () => {
    const bullmq = await compileFixture("4008-not-json-safe", "bullmq");
    expect(bullmq.diagnostics.map((d) => d.code)).toEqual([4008, 4008]);
    expect(bullmq.plan).toBeUndefined();
    const threads = await compileFixture("4008-not-json-safe", "threads");
    // Dates, maps and sets cross threads intact; the class instance and the function do not.
    expect(threads.diagnostics.map((d) => `${d.code} ${d.severity} ${d.message}`)).toEqual([
      "4007 warning Values from 'enrich' to 'store' cross between threads, but Enriched.total: Money loses its methods; Enriched.log: (line: string) => void cannot be cloned.",
    ]);
    expect(threads.plan?.jsonSafe).toBe(false);
  });
});
