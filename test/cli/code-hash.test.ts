import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { flowc, nodeProject } from "./helpers.js";

/**
 * `flowc build` writes each method's code hash into the runner's plan, and a build
 * answered from the rebuild cache must never carry a hash of code that has changed since:
 * not of a local module the methods import, nor of a file only the hash reads (one that
 * `require` names, which TypeScript does not read).
 */
const project = mkdtempSync(join(tmpdir(), "flowc-code-hash-cli-"));
const cacheDir = join(project, ".cache");
afterAll(() => rmSync(project, { recursive: true, force: true }));

function write(file: string, text: string): void {
  writeFileSync(join(project, file), text);
}

/** Builds with the rebuild cache on; each method's code hash in the runner written. */
function build(): Record<string, string> {
  const result = flowc(["build", join(project, "etl.flow")], { cwd: project, env: { FLOWC_CACHE_DIR: cacheDir } });
  expect(result.status, result.stderr).toBe(0);
  const runner = readFileSync(join(project, "etl.flow.ts"), "utf8");
  const hashes = [...runner.matchAll(/\{\s+name: "(\w+)",[\s\S]*?codeHash: "([0-9a-f]{64})"/g)];
  return Object.fromEntries(hashes.map((match) => [match[1]!, match[2]!]));
}

describe("flowc build and code hashes", () => {
  it("embeds each method's code hash, and a new one after its code changed, cached or not", () => {
    nodeProject(project);
    write("etl.flow", "extract, load { execution_flow: sequential; }\n");
    write(
      "etl.methods.ts",
      [
        'import { createRequire } from "node:module";',
        'import { offset } from "./helper.js";',
        "const require = createRequire(import.meta.url);",
        "export function extract(n: number): number {",
        '  const table = require("./table.cjs") as { readonly base: number };',
        "  return n + offset + table.base;",
        "}",
        "export function load(n: number): string { return String(n); }",
        "",
      ].join("\n"),
    );
    write("helper.ts", "export const offset: number = 1;\n");
    write("table.cjs", "exports.base = 10;\n");

    const first = build();
    expect(Object.keys(first)).toEqual(["extract", "load"]);
    // Unchanged code, the same hashes; and the folder is as the cache recorded it from now on (the
    // first build wrote the runner into it), so that the next build without a change is answered from it.
    expect(build()).toEqual(first);

    write("table.cjs", "exports.base = 20;\n");
    const second = build();
    expect(second["extract"]).not.toBe(first["extract"]);
    expect(second["load"]).toBe(first["load"]);
    expect(build()).toEqual(second);

    write("helper.ts", "export const offset: number = 2;\n");
    const third = build();
    expect(third["extract"]).not.toBe(second["extract"]);
    expect(third["load"]).toBe(first["load"]);
  });
});
