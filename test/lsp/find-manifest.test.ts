import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findManifest } from "../../src/lsp/find-manifest.js";

/** The walk that tells whether a workspace holds a manifest, so that TypeScript starts early. */
const scratch = mkdtempSync(path.join(tmpdir(), "flowc-find-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function files(root: string, names: readonly string[]): string {
  for (const name of names) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, "");
  }
  return root;
}

describe("findManifest", () => {
  it("finds a manifest in a nested folder, nearest first", async () => {
    const root = files(path.join(scratch, "nested"), ["a/b/deep.flow", "a/near.flow", "a/b/c.ts", "README.md"]);
    expect(await findManifest([root])).toBe(path.join(root, "a/near.flow"));
  });

  it("does not look into packages, version control or hidden folders", async () => {
    const root = files(path.join(scratch, "skipped"), [
      "node_modules/pkg/x.flow",
      ".git/x.flow",
      ".cache/x.flow",
      "dist/x.flow",
      "src/index.ts",
    ]);
    expect(await findManifest([root])).toBeUndefined();
  });

  it("gives up after looking at as many entries as it may", async () => {
    const root = files(path.join(scratch, "many"), [
      ...Array.from({ length: 20 }, (_, i) => `f${i}.ts`),
      "z/found.flow",
    ]);
    expect(await findManifest([root], 10)).toBeUndefined();
    expect(await findManifest([root])).toBe(path.join(root, "z/found.flow"));
  });

  it("takes folders that are not there", async () => {
    expect(await findManifest([path.join(scratch, "missing")])).toBeUndefined();
  });
});
