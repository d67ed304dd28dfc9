import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineProject, TypeScriptVersion } from "../../src/typecheck/engine.js";
import { createTypeScriptServices, type WarmTypeScriptServices } from "../../src/typescript-services.js";

let root: string;
const services = new Map<TypeScriptVersion, WarmTypeScriptServices>();

function write(relative: string, text: string): string {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "flowc-host-"));
  write("package.json", JSON.stringify({ type: "module" }));
  write("etl.flow", "extract { retries: 1; }\n");
  write("etl.methods.ts", "export function extract(): number { return 1; }\n");
  write("esm.mts", "export const run = () => 1;\n");
  write("view.tsx", "export function render(): string { return ''; }\n");
  write("legacy.js", "export function old() { return 1; }\n");
  write("legacy.d.ts", "export declare function old(): number;\n");
  write("lib/index.ts", "export { helper } from './helper.js';\nexport * from './more.js';\n");
  write("lib/helper.ts", "export function helper(x: string): string { return x; }\n");
  write(
    "lib/more.ts",
    [
      "export const limit = 3;",
      "export interface Shape { readonly id: number }",
      "export type Alias = string;",
      "export class Box {}",
      "export const arrow = async (input: number) => input * 2;",
      "const hidden = () => 1;",
      "export { hidden as renamed };",
      "export default function (): void {}",
      "",
    ].join("\n"),
  );
  write("script.ts", "function notExported() {}\n");
  write(
    "node_modules/methods-pkg/package.json",
    JSON.stringify({
      name: "methods-pkg",
      type: "module",
      exports: { ".": { types: "./index.d.ts", default: "./index.js" } },
    }),
  );
  write("node_modules/methods-pkg/index.d.ts", "export declare function fromPackage(input: string): number;\n");
  write("node_modules/methods-pkg/index.js", "export function fromPackage(input) { return input.length; }\n");
  // An ES module imports a package's "import" condition, never its "require" one.
  write(
    "node_modules/dual-pkg/package.json",
    JSON.stringify({
      name: "dual-pkg",
      exports: { ".": { import: "./esm.d.mts", require: "./cjs.d.cts" } },
    }),
  );
  write("node_modules/dual-pkg/esm.d.mts", "export declare function fromImport(): number;\n");
  write("node_modules/dual-pkg/cjs.d.cts", "export declare function fromRequire(): number;\n");
  write("node_modules/untyped-pkg/package.json", JSON.stringify({ name: "untyped-pkg", main: "index.js" }));
  write("node_modules/untyped-pkg/index.js", "exports.x = 1;\n");
  // Local files the methods import, and a package they import, for `localFiles`.
  write(
    "graph/a.ts",
    "import { b } from './b.js';\nimport { fromPackage } from 'methods-pkg';\nexport const a = b + fromPackage('');\n",
  );
  write("graph/b.ts", "import type { C } from './c/index.js';\nexport const b: C = 1;\n");
  write("graph/c/index.ts", "export type C = number;\n");
  write("graph/alone.ts", "export const alone = 1;\n");
  for (const version of [6, 7] as const) services.set(version, createTypeScriptServices({ typescript: version }));
});

afterAll(() => {
  for (const service of services.values()) service.close();
  rmSync(root, { recursive: true, force: true });
});

describe.each([7, 6] as const)("module host on TypeScript %i", (version) => {
  let project: EngineProject;
  beforeAll(async () => {
    project = await services.get(version)!.forManifest(path.join(root, "etl.flow"));
  });
  const host = { resolveModule: (specifier: string, from: string) => project.host.resolveModule(specifier, from) };

  describe("finding modules", () => {
    const manifest = () => path.join(root, "etl.flow");
    it.each([
      ["./etl.methods", "etl.methods.ts"],
      ["./etl.methods.js", "etl.methods.ts"],
      ["./etl.methods.ts", "etl.methods.ts"],
      ["./esm", "esm.mts"],
      ["./esm.mjs", "esm.mts"],
      ["./view", "view.tsx"],
      ["./view.js", "view.tsx"],
      ["./legacy", "legacy.d.ts"],
      ["./legacy.js", "legacy.d.ts"],
      ["./lib", "lib/index.ts"],
      ["./lib/helper.js", "lib/helper.ts"],
      ["methods-pkg", "node_modules/methods-pkg/index.d.ts"],
      ["dual-pkg", "node_modules/dual-pkg/esm.d.mts"],
    ])("resolves %s to %s", (specifier, file) => {
      expect(host.resolveModule(specifier, manifest())?.path).toBe(path.join(root, file));
    });

    it("resolves relative to the manifest, not to the working directory", () => {
      const nested = write("deep/nested/flows/x.flow", "");
      expect(host.resolveModule("../../../etl.methods", nested)?.path).toBe(path.join(root, "etl.methods.ts"));
    });

    it.each(["./missing", "./missing.js", "", "no-such-package", "./lib/nothing", "untyped-pkg"])(
      "finds nothing for %j",
      (specifier) => {
        expect(host.resolveModule(specifier, manifest())).toBeUndefined();
      },
    );
  });

  describe("exports", () => {
    it("lists every export, following re-exports, and tells functions from other values", () => {
      const info = host.resolveModule("./lib", path.join(root, "etl.flow"));
      expect(Object.fromEntries(info?.exports ?? [])).toEqual({
        helper: { isFunction: true },
        limit: { isFunction: false },
        Shape: { isFunction: false },
        Alias: { isFunction: false },
        Box: { isFunction: false },
        arrow: { isFunction: true },
        renamed: { isFunction: true },
        // `export *` never re-exports a default export.
      });
    });

    it("lists a default export under the name 'default'", () => {
      const info = host.resolveModule("./lib/more.js", path.join(root, "etl.flow"));
      expect(info?.exports?.get("default")).toEqual({ isFunction: true });
    });

    it("reads declaration files and packages", () => {
      const legacy = host.resolveModule("./legacy.js", path.join(root, "etl.flow"));
      expect(Object.fromEntries(legacy?.exports ?? [])).toEqual({ old: { isFunction: true } });
      const pkg = host.resolveModule("methods-pkg", path.join(root, "etl.flow"));
      expect(Object.fromEntries(pkg?.exports ?? [])).toEqual({ fromPackage: { isFunction: true } });
    });

    it("reports a script (a file without import or export) as exporting nothing", () => {
      const info = host.resolveModule("./script", path.join(root, "etl.flow"));
      expect(info?.path).toBe(path.join(root, "script.ts"));
      expect(info?.exports?.size).toBe(0);
    });

    it("answers the same module with the same information", () => {
      const first = host.resolveModule("./etl.methods", path.join(root, "etl.flow"));
      const second = host.resolveModule("./etl.methods.js", path.join(root, "etl.flow"));
      expect(second).toBe(first);
    });
  });

  describe("local files", () => {
    it("follows the imports of the methods modules, leaving packages out", () => {
      const a = path.join(root, "graph/a.ts");
      expect(host.resolveModule("./graph/a.js", path.join(root, "etl.flow"))?.path).toBe(a);
      expect([...project.localFiles([a])].sort()).toEqual(
        ["graph/a.ts", "graph/b.ts", "graph/c/index.ts"].map((file) => path.join(root, file)),
      );
    });
  });

  describe("module format of a runner", () => {
    it("is an ES module under a package.json that says so, and CommonJS under one that does not", () => {
      expect(project.moduleFormat(path.join(root, "x.flow.ts"))).toEqual({ kind: "module" });
      const cjs = write("cjs/package.json", "{}");
      expect(project.moduleFormat(path.join(root, "cjs/x.flow.ts"))).toEqual({
        kind: "commonjs-package",
        packageJson: cjs,
      });
    });
  });
});
