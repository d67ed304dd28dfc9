import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliPath, root } from "./helpers.js";

/**
 * What a build loads: on TypeScript 7, neither TypeScript 6 (ts-morph's compiler, half a
 * second to load) nor Prettier's TypeScript parser. Read from the process itself: a module
 * hook, registered before flowc starts, reports every module Node loads.
 */

const scratch = mkdtempSync(join(tmpdir(), "flowc-loaded-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const hook = join(scratch, "report-loads.mjs");
writeFileSync(
  hook,
  [
    'import { register } from "node:module";',
    "const hooks = `export async function load(url, context, next) {",
    '  if (url.startsWith("file:")) process._rawDebug("flowc-test-loaded " + url);',
    "  return next(url, context);",
    "}`;",
    'register("data:text/javascript," + encodeURIComponent(hooks));',
    "",
  ].join("\n"),
);

/** The file URLs of the modules `flowc ...args` loaded, run with the rebuild cache off. */
function modulesLoaded(args: readonly string[]): string[] {
  const result = spawnSync(process.execPath, ["--import", hook, cliPath, ...args, "--no-cache"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 60_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stderr.split("\n").flatMap((line) => {
    const match = /^flowc-test-loaded (.*)$/.exec(line);
    return match === null ? [] : [match[1]!];
  });
}

const TYPESCRIPT_6 = /\/node_modules\/(?:ts-morph|@ts-morph)\//;
/** Prettier's entry and its parsers; its document printer (`prettier/doc`) is small and may load. */
const PRETTIER_PARSER = /\/node_modules\/prettier\/(?:index\.mjs|plugins\/)/;

describe("modules a command loads", () => {
  const manifest = "examples/word-count/word-count.flow";

  it("check on TypeScript 7 loads no TypeScript 6 and no Prettier", () => {
    const loaded = modulesLoaded(["check", manifest]);
    expect(loaded.some((url) => url.includes("/typescript/dist/api/sync/"))).toBe(true);
    expect(loaded.filter((url) => TYPESCRIPT_6.test(url) || PRETTIER_PARSER.test(url))).toEqual([]);
  });

  it("build on TypeScript 7 loads no TypeScript 6 and no Prettier parser", () => {
    const outDir = join(scratch, "out");
    const loaded = modulesLoaded(["build", manifest, "--out-dir", outDir]);
    expect(loaded.filter((url) => TYPESCRIPT_6.test(url) || PRETTIER_PARSER.test(url))).toEqual([]);
  });

  it("check --typescript 6 does load TypeScript 6, so the hook sees it", () => {
    const loaded = modulesLoaded(["check", manifest, "--typescript", "6"]);
    expect(loaded.some((url) => TYPESCRIPT_6.test(url))).toBe(true);
  });
});
