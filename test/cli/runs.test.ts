import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { flowc } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "flowc-runs-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("flowc runs where there is no journal", () => {
  it("lists none, shows none, cleans none, and creates no journal", () => {
    const cwd = scratch;
    const list = flowc(["runs"], { cwd });
    expect(list).toMatchObject({ status: 0, stderr: "" });
    expect(list.stdout).toBe(`no runs in ${join(scratch, ".flowc")}\n`);
    expect(JSON.parse(flowc(["runs", "--json"], { cwd }).stdout)).toEqual([]);
    const show = flowc(["runs", "show", "20261207-000000-abcd"], { cwd });
    expect(show.status).toBe(1);
    expect(show.stderr).toBe(
      `flowc: no run '20261207-000000-abcd' in ${join(scratch, ".flowc")}; 'flowc runs' lists them\n`,
    );
    const clean = flowc(["runs", "clean", "--keep", "1", "--journal", "elsewhere"], { cwd });
    expect(clean).toMatchObject({ status: 0, stdout: `removed 0 runs from ${join(scratch, "elsewhere")}\n` });
    expect(existsSync(join(scratch, ".flowc"))).toBe(false);
    expect(existsSync(join(scratch, "elsewhere"))).toBe(false);
  });
});
