/**
 * Methods imported from an npm package run from the module Node resolves for
 * the specifier (its `exports` map's `default`), while the checker reads the
 * package's types (`types`): through `flowc run` in the calling thread and on
 * worker threads, through a built runner, and through the runtime's own
 * module resolution (what `flowc worker` and worker threads use).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { resolveModuleUrls } from "../../stdlib/modules.js";
import type { PlanMethod } from "../../stdlib/plan.js";
import { flowc, root } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "flowc-packages-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const pkg = join(scratch, "node_modules", "text-utils");
mkdirSync(join(pkg, "dist"), { recursive: true });
writeFileSync(
  join(pkg, "package.json"),
  JSON.stringify({
    name: "text-utils",
    version: "1.0.0",
    type: "module",
    exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } },
  }),
);
writeFileSync(join(pkg, "dist", "index.d.ts"), "export declare function tokenize(text: string): string[];\n");
writeFileSync(
  join(pkg, "dist", "index.js"),
  "export function tokenize(text) {\n  return text.split(/\\s+/).filter(Boolean);\n}\n",
);
// The built runner imports `flowc/runtime` as a user's project does.
symlinkSync(root, join(scratch, "node_modules", "flowc"), "dir");
writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "uses-text-utils", type: "module" }));
writeFileSync(join(scratch, "single.flow"), 'import { tokenize } from "text-utils";\ntokenize { timeout: 5s; }\n');
writeFileSync(
  join(scratch, "parallel.flow"),
  'import { tokenize } from "text-utils";\ntokenize < execution_flow: parallel; min_worker_count: 2; >\n',
);

describe("methods from an npm package with an exports map (types → .d.ts, default → .js)", () => {
  it("flowc check reads the package's types", () => {
    const result = flowc(["check", "single.flow", "parallel.flow"], { cwd: scratch });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("flowc run calls a single method from the package's JavaScript", () => {
    const result = flowc(["run", "single.flow", "--input", '"to be  or not"', "--quiet"], { cwd: scratch });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual(["to", "be", "or", "not"]);
    expect(result.status).toBe(0);
  });

  it("flowc run runs a parallel method from it on worker threads", () => {
    const input = JSON.stringify(["a b", "c  d e"]);
    const result = flowc(["run", "parallel.flow", "--input", input, "--backend", "threads", "--quiet"], {
      cwd: scratch,
    });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual([
      ["a", "b"],
      ["c", "d", "e"],
    ]);
    expect(result.status).toBe(0);
  });

  it("a built runner runs it inline and on worker threads, resolving the package from where the runner is", () => {
    const built = flowc(["build", "parallel.flow"], { cwd: scratch });
    expect(built.stderr).toBe("wrote parallel.flow.ts\n");
    expect(built.status).toBe(0);
    const tsx = pathToFileURL(join(root, "node_modules/tsx/dist/esm/api/index.mjs")).href;
    const driver =
      `import { tsImport } from ${JSON.stringify(tsx)};\n` +
      `const runner = await tsImport(new URL("./parallel.flow.ts", import.meta.url).href, import.meta.url);\n` +
      `const outputs = [];\n` +
      `for (const backend of ["inline", "threads"]) outputs.push(await runner.run(["x y", "z"], { backend }));\n` +
      `console.log(JSON.stringify(outputs));\n`;
    writeFileSync(join(scratch, "drive.mjs"), driver);
    const result = spawnSync(process.execPath, ["drive.mjs"], { cwd: scratch, encoding: "utf8", timeout: 60_000 });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual([
      [["x", "y"], ["z"]],
      [["x", "y"], ["z"]],
    ]);
  });

  it("the runtime resolves a package specifier against moduleBase as Node does (flowc worker, worker threads)", async () => {
    const method = { name: "tokenize", module: "text-utils", exportName: "tokenize" } as PlanMethod;
    const urls = await resolveModuleUrls([method], undefined, pathToFileURL(`${scratch}/`).href);
    expect(urls.get("tokenize")).toBe(pathToFileURL(join(pkg, "dist", "index.js")).href);
    const missing = { ...method, name: "other", module: "no-such-package" } as PlanMethod;
    await expect(resolveModuleUrls([missing], undefined, pathToFileURL(`${scratch}/`).href)).rejects.toThrow(
      /Worker threads cannot import module 'no-such-package' of 'other' \(tried 'no-such-package' as Node resolves it from file:.*Cannot find package 'no-such-package'/,
    );
  });
});
