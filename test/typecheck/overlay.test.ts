import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSourceText } from "../../grammar/source.js";
import { compile } from "../../src/compile.js";
import { TYPESCRIPT_VERSIONS } from "../../src/typecheck/engine.js";
import { MANIFEST, METHODS, METHODS_RETURNING_STRINGS } from "./two-method-project.js";
import { createTypeScriptServices, type WarmTypeScriptServices } from "../../src/typescript-services.js";

/**
 * `WarmTypeScriptServices.overlay`: a methods module read from memory (an editor's unsaved
 * buffer) instead of the disk, on both engines, and back to the disk when the overlay goes.
 */
const scratch = mkdtempSync(path.join(tmpdir(), "flowc-overlay-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
let services: WarmTypeScriptServices | undefined;
afterEach(() => services?.close());

function project(): { manifest: string; methods: string } {
  const dir = path.join(scratch, `p${counter++}`);
  const manifest = path.join(dir, "etl.flow");
  const methods = path.join(dir, "etl.methods.ts");
  mkdirSync(dir);
  writeFileSync(manifest, MANIFEST);
  writeFileSync(methods, METHODS);
  return { manifest, methods };
}

async function codes(manifest: string): Promise<number[]> {
  const result = await compile(createSourceText(manifest, readFileSync(manifest, "utf8")), {}, services);
  return result.diagnostics.map((d) => d.code);
}

describe.each(TYPESCRIPT_VERSIONS)("overlays on TypeScript %i", (version) => {
  beforeEach(() => {
    services = createTypeScriptServices({ typescript: version, projectLimit: Number.POSITIVE_INFINITY });
  });

  it("reads a module's unsaved text instead of the disk, and the disk again once it goes", async () => {
    const { manifest, methods } = project();
    expect(await codes(manifest)).toEqual([]);
    services!.overlay(methods, METHODS_RETURNING_STRINGS);
    expect(await codes(manifest)).toEqual([4001]);
    // The disk never changed.
    expect(readFileSync(methods, "utf8")).toBe(METHODS);
    services!.overlay(methods, undefined);
    expect(await codes(manifest)).toEqual([]);
  });

  it("applies an overlay given before the engine started", async () => {
    const { manifest, methods } = project();
    services!.overlay(methods, METHODS_RETURNING_STRINGS);
    expect(await codes(manifest)).toEqual([4001]);
  });

  it("sees exports added in memory, and quotes the module's unsaved text in its errors", async () => {
    const { manifest, methods } = project();
    writeFileSync(manifest, "load, total, report { execution_flow: sequential; }\n");
    expect(await codes(manifest)).toEqual([2003]);
    const unsaved = `${METHODS}export function report(count: number): string { const n: string = count; return n; }\n`;
    services!.overlay(methods, unsaved);
    const result = await compile(createSourceText(manifest, readFileSync(manifest, "utf8")), {}, services);
    expect(result.diagnostics.map((d) => d.code)).toEqual([4012]);
    const error = result.diagnostics[0]!;
    expect(error.file).toBe(methods);
    // The error's place and the text printed around it are the buffer's, not the disk's.
    const text = result.sources.find((source) => source.path === methods)!.text;
    expect(text).toBe(unsaved);
    expect(text.slice(error.span.start, error.span.end)).toBe("n");
  });
});
