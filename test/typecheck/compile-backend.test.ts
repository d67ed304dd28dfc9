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

  it("stops at FLOW4008 with bullmq, and at FLOW4007 with threads", async () => {
    const bullmq = await compileFixture("4008-not-json-safe", "bullmq");
    expect(bullmq.diagnostics.map((d) => d.code)).toEqual([4008, 4008]);
    expect(bullmq.plan).toBeUndefined();
    const threads = await compileFixture("4008-not-json-safe", "threads");
    // Dates, maps and sets cross threads intact; the class instance and the function do not.
    expect(threads.diagnostics.map((d) => `${d.code} ${d.severity} ${d.message}`)).toEqual([
      "4007 error Values from 'enrich' to 'store' cross between threads, but Enriched.total: Money arrives as a plain object without its class and its methods; Enriched.log: (line: string) => void cannot be cloned.",
    ]);
    expect(threads.plan).toBeUndefined();
  });
});

describe("the manifest's backend statement", () => {
  it("alone makes a Date on an edge a FLOW4008 error, as `--backend bullmq` would", async () => {
    const result = await compileFixture("4008-backend-statement");
    expect(result.analysis?.backend).toBe("bullmq");
    expect(result.diagnostics.map((d) => `${d.code} ${d.severity} ${d.message}`)).toEqual([
      "4008 error Values from 'fetch' to 'store' travel as JSON with the 'bullmq' backend, but Order.createdAt: Date becomes a string.",
    ]);
    expect(result.plan).toBeUndefined();
  });

  it("alone marks a clean plan jsonSafe", async () => {
    const result = await compileFixture("ok-backend-statement-json-safe");
    expect(result.diagnostics).toEqual([]);
    expect(result.plan?.jsonSafe).toBe(true);
  });

  it("gives way to the backend the caller names", async () => {
    // A Date survives structured cloning, and no method is parallel: nothing to report for threads.
    const threads = await compileFixture("4008-backend-statement", "threads");
    expect(threads.diagnostics).toEqual([]);
    expect(threads.plan?.jsonSafe).toBe(false);
    const inline = await compileFixture("ok-backend-statement-json-safe", "inline");
    expect(inline.diagnostics).toEqual([]);
    expect(inline.plan?.jsonSafe).toBe(false);
  });

  it("is an error when it names no backend, and the build then goes no further", async () => {
    const file = path.join(fixtures, "4008-backend-statement", "input.flow");
    const text = readFileSync(file, "utf8").replace("backend bullmq;", "backend bulmq;");
    const result = await compile(createSourceText(file, text), {}, services);
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      "2007 'bulmq' is not a valid value for 'backend'; expected 'inline', 'threads' or 'bullmq'. Did you mean 'bullmq'?",
    ]);
    expect(result.typed).toBeUndefined();
  });
});
