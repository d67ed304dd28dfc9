import path from "node:path";
import { ts } from "ts-morph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTsConfig } from "../../src/typecheck/project.js";
import { configErrorsOf, createProject, createProjectCache } from "../../src/typecheck/ts6/project.js";
import { createTempDir, type TempDir } from "./temp-project.js";

let dir: TempDir;

beforeAll(() => {
  dir = createTempDir("flowc-project-");
  dir.write(
    "app/tsconfig.json",
    JSON.stringify({
      compilerOptions: { strict: true, exactOptionalPropertyTypes: true, declaration: true, noUnusedLocals: true },
      include: ["**/*.ts"],
    }),
  );
  dir.write("app/src/included.ts", "export const x = 1;\n");
  dir.write("app/flows/a.flow", "");
  dir.write("app/flows/b.flow", "");
  dir.write("app/other/tsconfig.json", JSON.stringify({ compilerOptions: { strict: false } }));
  dir.write("app/other/c.flow", "");
  dir.write("broken/tsconfig.json", "{ this is not json");
  dir.write("broken/d.flow", "");
});

afterAll(() => dir.remove());

describe("findTsConfig", () => {
  it("finds the nearest tsconfig.json above the manifest", () => {
    expect(findTsConfig(path.join(dir.root, "app/flows/a.flow"))).toBe(path.join(dir.root, "app/tsconfig.json"));
    expect(findTsConfig(path.join(dir.root, "app/other/c.flow"))).toBe(path.join(dir.root, "app/other/tsconfig.json"));
  });
});

describe("createProject", () => {
  it("keeps the project's own settings, adds none of its files, and turns emit off", () => {
    const project = createProject(path.join(dir.root, "app/tsconfig.json"));
    const options = project.getCompilerOptions();
    expect(options.strict).toBe(true);
    expect(options.exactOptionalPropertyTypes).toBe(true);
    expect(options.noEmit).toBe(true);
    expect(options.declaration).toBe(false);
    // The probe file declares values nobody reads; the project's own lint settings must not reject it.
    expect(options.noUnusedLocals).toBe(false);
    expect(project.getSourceFiles()).toHaveLength(0);
  });

  it("uses strict NodeNext defaults without a tsconfig", () => {
    const options = createProject(undefined).getCompilerOptions();
    expect(options.strict).toBe(true);
    expect(options.module).toBe(ts.ModuleKind.NodeNext);
    expect(options.moduleResolution).toBe(ts.ModuleResolutionKind.NodeNext);
    expect(options.target).toBe(ts.ScriptTarget.ES2022);
  });

  it("keeps the errors of a tsconfig that cannot be parsed, at their place in it", () => {
    const project = createProject(path.join(dir.root, "broken/tsconfig.json"));
    const errors = configErrorsOf(project);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.file?.fileName).toBe(path.join(dir.root, "broken/tsconfig.json"));
    expect(errors[0]?.start).toBe(7);
  });

  it("falls back to the defaults when the tsconfig cannot be read at all, and says why", () => {
    const project = createProject(path.join(dir.root, "nowhere/tsconfig.json"));
    expect(project.getCompilerOptions().strict).toBe(true);
    expect(project.getCompilerOptions().module).toBe(ts.ModuleKind.NodeNext);
    expect(configErrorsOf(project).map((error) => error.code)).toEqual([5083]);
  });

  it("reads the settings a tsconfig extends, and reports a config it extends that is missing", () => {
    dir.write("extending/base.json", JSON.stringify({ compilerOptions: { strict: false, noImplicitAny: true } }));
    dir.write("extending/tsconfig.json", JSON.stringify({ extends: "./base.json", compilerOptions: {} }));
    const project = createProject(path.join(dir.root, "extending/tsconfig.json"));
    expect(project.getCompilerOptions().strict).toBe(false);
    expect(project.getCompilerOptions().noImplicitAny).toBe(true);
    expect(configErrorsOf(project)).toEqual([]);
    dir.write("dangling/tsconfig.json", JSON.stringify({ extends: "./gone.json" }));
    expect(configErrorsOf(createProject(path.join(dir.root, "dangling/tsconfig.json"))).map((e) => e.code)).toEqual([
      5083,
    ]);
  });
});

describe("createProjectCache", () => {
  it("shares one project between the manifests of one tsconfig, and only them", () => {
    const cache = createProjectCache();
    const a = cache.forManifest(path.join(dir.root, "app/flows/a.flow"));
    const b = cache.forManifest(path.join(dir.root, "app/flows/b.flow"));
    const c = cache.forManifest(path.join(dir.root, "app/other/c.flow"));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(c.getCompilerOptions().strict).toBe(false);
  });

  it("drops the least recently used project beyond its limit", () => {
    const cache = createProjectCache(1);
    const a = cache.forManifest(path.join(dir.root, "app/flows/a.flow"));
    cache.forManifest(path.join(dir.root, "app/other/c.flow"));
    expect(cache.forManifest(path.join(dir.root, "app/flows/b.flow"))).not.toBe(a);
  });
});
