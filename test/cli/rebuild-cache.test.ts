import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { flowc, nodeProject } from "./helpers.js";

/**
 * The rebuild cache, seen from the command line. A hit is told apart from a compilation
 * by a marker: the test writes a diagnostic of its own into the cached entry, which only
 * an answer from the cache can print. Every change that could change the answer must
 * make the marker disappear.
 */

const scratch = mkdtempSync(join(tmpdir(), "flowc-cache-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const MARKER = "answered from the rebuild cache";
let project: string;
let cacheDir: string;
let count = 0;

beforeEach(() => {
  count++;
  project = join(scratch, `project-${count}`);
  cacheDir = join(scratch, `cache-${count}`);
  mkdirSync(project);
  nodeProject(project);
  write("etl.flow", "extract, load { execution_flow: sequential; }\n");
  write(
    "etl.methods.ts",
    "export function extract(x: number): number { return x; }\nexport function load(x: number): string { return String(x); }\n",
  );
});

function write(file: string, text: string): void {
  writeFileSync(join(project, file), text);
}

function check(...args: string[]): { status: number | null; messages: string[]; stderr: string } {
  const result = flowcWithCache(["check", join(project, "etl.flow"), "--format", "json", ...args]);
  const diagnostics = JSON.parse(result.stdout === "" ? "[]" : result.stdout) as { message: string }[];
  return { status: result.status, messages: diagnostics.map((d) => d.message), stderr: result.stderr };
}

function flowcWithCache(args: string[]) {
  const previous = process.env["FLOWC_CACHE_DIR"];
  process.env["FLOWC_CACHE_DIR"] = cacheDir;
  try {
    return flowc(args, { cwd: project });
  } finally {
    if (previous === undefined) delete process.env["FLOWC_CACHE_DIR"];
    else process.env["FLOWC_CACHE_DIR"] = previous;
  }
}

function entries(): string[] {
  try {
    return readdirSync(cacheDir).filter((name) => name.endsWith(".json"));
  } catch {
    return [];
  }
}

/** Adds the marker to every cached entry's diagnostics. */
function mark(): void {
  for (const name of entries()) {
    const file = join(cacheDir, name);
    const entry = JSON.parse(readFileSync(file, "utf8")) as { value: { diagnostics: unknown[] } };
    entry.value.diagnostics.push({
      code: 4999,
      severity: "warning",
      message: MARKER,
      file: join(project, "etl.flow"),
      span: { start: 0, end: 1 },
      related: [],
    });
    writeFileSync(file, JSON.stringify(entry));
  }
}

function fromCache(...args: string[]): boolean {
  return check(...args).messages.includes(MARKER);
}

describe("the rebuild cache", () => {
  it("answers an unchanged check from the cache, with what the compilation said", () => {
    const first = check();
    expect(first).toMatchObject({ status: 0, messages: [] });
    expect(entries()).toHaveLength(1);
    mark();
    const second = check();
    expect(second.status).toBe(0);
    expect(second.messages).toEqual([MARKER]);
  });

  it("keeps the diagnostics and the exit code of a manifest with errors", () => {
    write(
      "etl.methods.ts",
      "export function extract(x: number): number { return x; }\nexport function load(x: string) {}\n",
    );
    const first = check();
    expect(first.status).toBe(1);
    mark();
    const second = check();
    expect(second.status).toBe(1);
    // Printed in source order, where the marker (at the manifest's first character) comes first.
    expect(second.messages).toEqual([MARKER, ...first.messages]);
    expect(first.messages).toHaveLength(1);
  });

  it("misses when a methods module changes, even with its size and modification time kept", () => {
    check();
    mark();
    const file = join(project, "etl.methods.ts");
    const before = statSync(file);
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace("return x;", "return 1;"));
    utimesSync(file, before.atime, before.mtime);
    expect(fromCache()).toBe(false);
  });

  it("misses when a local module the methods import changes", () => {
    write("helper.ts", "export const offset: number = 1;\n");
    write(
      "etl.methods.ts",
      'import { offset } from "./helper.js";\nexport function extract(x: number): number { return x + offset; }\nexport function load(x: number): string { return String(x); }\n',
    );
    expect(check().status).toBe(0);
    mark();
    expect(fromCache()).toBe(true);
    write("helper.ts", 'export const offset: string = "1";\n');
    const after = check();
    expect(after.messages).not.toContain(MARKER);
    expect(after.status).toBe(1);
  });

  it("misses when a tsconfig appears, changes, or a config it extends changes", () => {
    rmSync(join(project, "tsconfig.json"));
    check();
    mark();
    nodeProject(project);
    expect(fromCache()).toBe(false);
    mark();
    expect(fromCache()).toBe(true);
    const config = JSON.parse(readFileSync(join(project, "tsconfig.json"), "utf8")) as Record<string, unknown>;
    write("base.json", JSON.stringify({ compilerOptions: { strict: true } }));
    write("tsconfig.json", JSON.stringify({ ...config, extends: "./base.json" }));
    expect(fromCache()).toBe(false);
    mark();
    write("base.json", JSON.stringify({ compilerOptions: { strict: false } }));
    expect(fromCache()).toBe(false);
  });

  it("misses when a package is installed where a lookup failed", () => {
    write(
      "etl.methods.ts",
      'import { pad } from "tiny-pad";\nexport function extract(x: number): number { return x; }\nexport function load(x: number): string { return pad(String(x)); }\n',
    );
    const first = check();
    expect(first.status).toBe(1);
    mark();
    expect(fromCache()).toBe(true);
    mkdirSync(join(project, "node_modules", "tiny-pad"), { recursive: true });
    write(
      "node_modules/tiny-pad/package.json",
      JSON.stringify({ name: "tiny-pad", type: "module", types: "index.d.ts" }),
    );
    write("node_modules/tiny-pad/index.d.ts", "export declare function pad(text: string): string;\n");
    const after = check();
    expect(after.messages).not.toContain(MARKER);
    expect(after.status).toBe(0);
  });

  it("misses when a file is added beside a module, but not for what tools keep in dot folders", () => {
    mkdirSync(join(project, "node_modules"));
    check();
    mark();
    // A bundler's or flowc's own cache in node_modules, a run journal and a temporary file beside the manifest.
    mkdirSync(join(project, "node_modules", ".cache", "some-tool"), { recursive: true });
    mkdirSync(join(project, ".flowc"), { recursive: true });
    write(".etl.flow.ts.1a2b3c.tmp", "");
    expect(fromCache()).toBe(true);
    write("etl.methods.js", "export function extract(x) { return x; }\n");
    expect(fromCache()).toBe(false);
  });

  it("misses when an installed package's file is replaced, even with its size and modification time kept", () => {
    mkdirSync(join(project, "node_modules", "tiny-pad"), { recursive: true });
    write(
      "node_modules/tiny-pad/package.json",
      JSON.stringify({ name: "tiny-pad", type: "module", types: "index.d.ts" }),
    );
    write("node_modules/tiny-pad/index.d.ts", "export declare function pad(text: string): string;\n");
    write(
      "etl.methods.ts",
      'import { pad } from "tiny-pad";\nexport function extract(x: number): number { return x; }\nexport function load(x: number): string { return pad(String(x)); }\n',
    );
    expect(check().status).toBe(0);
    mark();
    expect(fromCache()).toBe(true);
    // Another version of the package, as an installer writes it: same size, the tarball's old modification time.
    const file = join(project, "node_modules/tiny-pad/index.d.ts");
    const before = statSync(file);
    writeFileSync(file, "export declare function pad(text: number): string;\n");
    utimesSync(file, before.atime, before.mtime);
    const after = check();
    expect(after.messages).not.toContain(MARKER);
    expect(after.status).toBe(1);
  });

  it("keeps apart the answers for different options", () => {
    check();
    mark();
    expect(fromCache("--backend", "bullmq")).toBe(false);
    expect(fromCache()).toBe(true);
    expect(fromCache("--workers", "4")).toBe(false);
  });

  it("neither reads nor writes it with --no-cache", () => {
    check("--no-cache");
    expect(entries()).toHaveLength(0);
    check();
    mark();
    expect(fromCache("--no-cache")).toBe(false);
    expect(fromCache()).toBe(true);
  });

  it("builds from the cache: the runner is written when missing, and left untouched when unchanged", () => {
    const build = () => flowcWithCache(["build", join(project, "etl.flow")]);
    expect(build().status).toBe(0);
    const runner = join(project, "etl.flow.ts");
    const code = readFileSync(runner, "utf8");
    rmSync(runner);
    const again = build();
    expect(again.stderr).toContain("wrote");
    expect(readFileSync(runner, "utf8")).toBe(code);
    expect(build().stderr).toContain("unchanged");
  });

  it("runs from the cache, keyed by the input", () => {
    const run = (input: string) => flowcWithCache(["run", join(project, "etl.flow"), "--input", input, "--quiet"]);
    expect(run("1").stdout.trim()).toBe('"1"');
    expect(run("2").stdout.trim()).toBe('"2"');
    expect(entries()).toHaveLength(2);
    expect(run('"x"').status).toBe(2);
  });
});
