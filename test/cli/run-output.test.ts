/**
 * `flowc run` prints the output as JSON and says what JSON could not hold:
 * an output it cannot print at all fails the run, values it would drop or
 * turn into `null` are named by path, and a method's enormous error message
 * is cut on the terminal (the runtime's error keeps it whole).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createRunner, MethodError } from "../../stdlib/index.js";
import { buildPlan } from "../runtime/plans.js";
import { flowc } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "flowc-output-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
writeFileSync(join(scratch, "package.json"), JSON.stringify({ type: "module" }));

function run(name: string, body: string): ReturnType<typeof flowc> {
  writeFileSync(join(scratch, `${name}.methods.ts`), `export function make(): unknown {\n${body}\n}\n`);
  writeFileSync(join(scratch, `${name}.flow`), "make { retries: 0; }\n");
  return flowc(["run", `${name}.flow`, "--quiet"], { cwd: scratch });
}

describe("flowc run: an output JSON cannot print fails the run, saying why", () => {
  it.each([
    ["bigint", "return { total: 12n };", "output.total is a bigint (12n), which JSON cannot hold"],
    [
      "cycle",
      "const node: Record<string, unknown> = { name: 'a' };\n  node.self = node;\n  return node;",
      "TypeError: Converting circular structure to JSON --> starting at object with constructor 'Object' " +
        "--- property 'self' closes the circle",
    ],
    ["tojson", "return { when: { toJSON(): string { throw new Error('toJSON broke'); } } };", "Error: toJSON broke"],
  ])("%s", (name, body, why) => {
    const result = run(name, body);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`flowc: run failed: printing the output as JSON failed: ${why}\n`);
    expect(result.status).toBe(1);
  });
});

describe("flowc run: values JSON would drop or turn into null are named", () => {
  it("prints the output and lists each lost value by path, even with --quiet", () => {
    const result = run(
      "lossy",
      "return {\n" +
        "    rows: [{ n: 1 }, { n: 2, fn: () => 1 }],\n" +
        "    items: [1, undefined, Symbol('s')],\n" +
        "    ratio: NaN,\n" +
        "    map: new Map([[1, 2]]),\n" +
        "  };",
    );
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      rows: [{ n: 1 }, { n: 2 }],
      items: [1, null, null],
      ratio: null,
      map: {},
    });
    expect(result.stderr).toBe(
      "flowc: printing the output as JSON lost 5 values: output.rows[1].fn (a function, left out), " +
        "output.items[1] (undefined, printed as null), output.items[2] (a symbol, printed as null), " +
        "output.ratio (NaN, printed as null), output.map (a Map of 1, printed as {})\n",
    );
  });

  it("an output that is undefined as a whole (a method that returns nothing) prints null without a word", () => {
    const result = run("nothing", "return undefined;");
    expect(result.stdout).toBe("null\n");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("flowc run: a method's huge error message", () => {
  const size = 50_000_000;

  it("is cut on the terminal, saying how much was cut", () => {
    const result = run("huge", `throw new Error("x".repeat(${size}));`);
    expect(result.status).toBe(1);
    const prefix = "Method 'make' failed after 1 attempt: ";
    const cut = prefix.length + size - 2000;
    expect(result.stderr).toBe(
      `flowc: run failed: ${prefix}${"x".repeat(2000 - prefix.length)}… [${cut.toLocaleString("en-US")} more characters cut]\n`,
    );
  });

  it("is kept whole by the runtime's MethodError", async () => {
    const runner = createRunner(buildPlan({ make: {} }), {
      make: () => {
        throw new Error("x".repeat(size));
      },
    });
    const error = (await runner.run(undefined).catch((e: unknown) => e)) as MethodError;
    expect(error).toBeInstanceOf(MethodError);
    expect((error.cause as Error).message).toHaveLength(size);
    await runner.close();
  });
});
