import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSourceText } from "../../grammar/source.js";
import { compile } from "../../src/compile.js";
import type { TypeScriptVersion } from "../../src/typecheck/engine.js";
import { createTypeScriptServices } from "../../src/typescript-services.js";
import { nodeProject } from "../cli/helpers.js";
import { createTempDir, type TempDir } from "./temp-project.js";

/**
 * Code hashes as a compilation computes them, from the syntax trees of the program each
 * TypeScript engine checked: both must give the same hashes for the same code, also where
 * the text has characters whose UTF-8 and UTF-16 lengths differ.
 */
let dir: TempDir;
beforeEach(() => {
  dir = createTempDir("flowc-code-hash-engines-");
  nodeProject(dir.root);
  dir.write("etl.flow", "extract, load { execution_flow: sequential; }\n");
  dir.write(
    "etl.methods.ts",
    [
      "// Größe, 😀: text before every declaration moves their positions.",
      'import { offset } from "./helper.js";',
      'export function extract(n: number): number { return n + offset("ß😀"); }',
      "export function load(n: number): string { return `${n} 😀 größer`; }",
      "",
    ].join("\n"),
  );
  dir.write("helper.ts", 'export function offset(s: string): number { return s.length; } // "ü"\n');
});
afterEach(() => dir.remove());

/** Each method's code hash from a compilation with a fresh TypeScript `version`. */
async function codeHashes(version: TypeScriptVersion): Promise<Record<string, string | null>> {
  const services = createTypeScriptServices({ typescript: version });
  try {
    const manifest = path.join(dir.root, "etl.flow");
    const result = await compile(createSourceText(manifest, readFileSync(manifest, "utf8")), {}, services);
    expect(result.diagnostics.map((d) => d.message)).toEqual([]);
    expect(result.typed?.codeFiles).toEqual(
      expect.arrayContaining([path.join(dir.root, "etl.methods.ts"), path.join(dir.root, "helper.ts")]),
    );
    return Object.fromEntries(result.plan?.methods.map((method) => [method.name, method.codeHash]) ?? []);
  } finally {
    services.close();
  }
}

describe("code hashes on both TypeScript engines", () => {
  it("are the same from either engine, and follow an edit of an imported helper", async () => {
    const before = await codeHashes(7);
    expect(Object.values(before).every((hash) => hash !== null && /^[0-9a-f]{64}$/.test(hash))).toBe(true);
    expect(await codeHashes(6)).toEqual(before);

    dir.write("helper.ts", 'export function offset(s: string): number { return s.length + 1; } // "ü"\n');
    const after = await codeHashes(7);
    expect(await codeHashes(6)).toEqual(after);
    expect(after["extract"]).not.toBe(before["extract"]);
    expect(after["load"]).toBe(before["load"]);
  });
});
