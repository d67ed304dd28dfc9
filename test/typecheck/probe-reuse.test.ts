import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createSourceText } from "../../grammar/source.js";
import { compile } from "../../src/compile.js";
import { TYPESCRIPT_VERSIONS } from "../../src/typecheck/engine.js";
import { MANIFEST, METHODS, METHODS_RETURNING_STRINGS } from "./two-method-project.js";
import { createTypeScriptServices, type WarmTypeScriptServices } from "../../src/typescript-services.js";

/**
 * Edits that leave the type-check's probe as it was (a setting, a comment) are checked again in
 * the same warm project: the answers must be those of a check from scratch, and a change to a
 * methods module must be seen however many identical probes came before it.
 */
const scratch = mkdtempSync(path.join(tmpdir(), "flowc-probe-reuse-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let services: WarmTypeScriptServices | undefined;
afterEach(() => services?.close());

describe.each(TYPESCRIPT_VERSIONS)("a probe checked again on TypeScript %i", (version) => {
  it("answers as a fresh check does, and sees a methods module that changed in between", async () => {
    const dir = path.join(scratch, `v${version}`);
    mkdirSync(dir);
    const manifest = path.join(dir, "etl.flow");
    const methods = path.join(dir, "etl.methods.ts");
    writeFileSync(methods, METHODS);
    services = createTypeScriptServices({ typescript: version, projectLimit: Number.POSITIVE_INFINITY });
    const check = async (text: string) => {
      const result = await compile(createSourceText(manifest, text), {}, services);
      return {
        codes: result.diagnostics.map((d) => d.code),
        edges: result.typed?.edges,
        timeout: result.plan?.methods.find((m) => m.name === "total")?.timeoutMs,
      };
    };
    const first = await check(MANIFEST);
    expect(first.codes).toEqual([]);
    expect(first.edges).toEqual([{ sender: "load", receiver: "total", type: "number[]" }]);
    // The same probe, twice: the same answers, and the plan of each text.
    for (const seconds of [1, 2]) {
      const again = await check(`${MANIFEST}total { timeout: ${seconds}s; }\n`);
      expect(again).toEqual({ codes: [], edges: first.edges, timeout: seconds * 1000 });
    }
    // The module changes on disk between two identical probes: the second must not be answered from the first.
    writeFileSync(methods, METHODS_RETURNING_STRINGS);
    services.refresh([methods]);
    const changed = await check(`${MANIFEST}total { timeout: 2s; }\n`);
    expect(changed.codes).toEqual([4001]);
    expect(changed.edges).toContainEqual({ sender: "load", receiver: "total", type: "string[]" });
  });
});
