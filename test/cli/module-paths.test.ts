/**
 * The module that runs is the module that was checked: a module path that
 * Node would read differently as a URL (`%`, `#`, `?`, line breaks) is
 * refused at compile time, and the runtime never URL-decodes a file name.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { resolveModuleUrls } from "../../stdlib/modules.js";
import type { PlanMethod } from "../../stdlib/plan.js";
import { flowc, nodeProject } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "flowc-module-paths-"));
nodeProject(scratch);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const checked = "export function a(x: number): number {\n  return x + 1;\n}\n";
// What Node would run instead of `m%41.ts`: `%41` is the escape of `A`.
const decoy = "export function a(x: number): number {\n  return x + 100;\n}\n";
writeFileSync(join(scratch, "m%41.ts"), checked);
writeFileSync(join(scratch, "mA.ts"), decoy);
writeFileSync(join(scratch, "m#1.ts"), checked);
writeFileSync(join(scratch, "m?1.ts"), checked);

function manifest(name: string, text: string): string {
  writeFileSync(join(scratch, name), text);
  return name;
}

describe("module paths that Node reads differently as URLs are refused (FLOW2018, FLOW2019)", () => {
  it("'%' in an imported module's path: check reports FLOW2018 at the specifier", () => {
    const file = manifest("percent.flow", 'import { a } from "./m%41";\na { retries: 1; }\n');
    const result = flowc(["check", file], { cwd: scratch });
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toContain(
      "percent.flow:1:19 - error FLOW2018: The path of module './m%41' contains '%', which a URL reads as the start " +
        "of an escape ('%41' is 'A'): Node, which reads import paths as URLs, would load another file than the one " +
        "checked here. Rename the file or folder (and this import) without it.",
    );
  });

  it("flowc run refuses it rather than run another module than the one checked", () => {
    const file = manifest("percent-run.flow", 'import { a } from "./m%41";\na { retries: 1; }\n');
    const result = flowc(["run", file, "--input", "1", "--quiet"], { cwd: scratch });
    expect(result.stdout).toBe("");
    expect(result.stdout + result.stderr).toContain("error FLOW2018");
    expect(result.status).toBe(1);
  });

  it.each([
    ["#", "m#1", "'#', which a URL reads as the start of a fragment, cutting the path there"],
    ["?", "m?1", "'?', which a URL reads as the start of a query, cutting the path there"],
  ])("'%s' in an imported module's path: FLOW2018 names the character and why", (_, module, what) => {
    const file = manifest(
      `with-${module.length}-${module.charCodeAt(1)}.flow`,
      `import { a } from "./${module}";\na {}\n`,
    );
    const result = flowc(["check", file], { cwd: scratch });
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toContain(
      `error FLOW2018: The path of module './${module}' contains ${what}`,
    );
  });

  it("a line break written in the specifier is named and shown escaped, on one line", () => {
    const file = manifest("newline.flow", 'import { a } from "./m\\n1";\na {}\n');
    const result = flowc(["check", file], { cwd: scratch });
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toContain(
      "error FLOW2018: The path of module './m\\n1' contains a line break, which URL parsing removes",
    );
  });

  it("a manifest whose default module has '#' in its path: FLOW2019 at the first name taken from it", () => {
    writeFileSync(join(scratch, "we#ird.methods.ts"), checked);
    const result = flowc(["check", manifest("we#ird.flow", "a { retries: 1; }\n")], { cwd: scratch });
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toContain(
      "we#ird.flow:1:1 - error FLOW2019: The default module './we#ird.methods' of this manifest has '#' in its path",
    );
  });
});

describe("flowc build checks the path its runner imports each module by", () => {
  it("refuses a folder with '%' that the runner's import passes through (--out-dir), and builds beside it", () => {
    const folder = join(scratch, "we%41rd");
    mkdirSync(folder);
    writeFileSync(join(folder, "m.ts"), checked);
    writeFileSync(join(folder, "x.flow"), 'import { a } from "./m";\na { retries: 1; }\n');
    const elsewhere = flowc(["build", "we%41rd/x.flow", "--out-dir", "out"], { cwd: scratch });
    expect(elsewhere.stdout + elsewhere.stderr).toContain(
      "x.flow:1:19 - error FLOW2018: The path of module '../../we%41rd/m.js' contains '%', which a URL reads as " +
        "the start of an escape ('%41' is 'A')",
    );
    expect(elsewhere.status).toBe(1);
    const beside = flowc(["build", "we%41rd/x.flow"], { cwd: scratch });
    expect(beside.stderr).toBe(`wrote ${join("we%41rd", "x.flow.ts")}\n`);
    expect(beside.status).toBe(0);
  });
});

describe("the runtime builds file URLs from paths, never by URL-decoding a file name", () => {
  const method = (module: string) => ({ name: "a", module, exportName: "a" }) as PlanMethod;

  it.each(["m%41", "m#1", "m?1"])("resolves './%s' against moduleBase to that very file", async (name) => {
    const urls = await resolveModuleUrls([method(`./${name}`)], undefined, pathToFileURL(`${scratch}/`).href);
    expect(fileURLToPath(urls.get("a") ?? "")).toBe(join(scratch, `${name}.ts`));
  });

  it("resolves against a moduleBase folder whose own name has '%' and '#' in it", async () => {
    const folder = join(scratch, "dir%41#x");
    mkdirSync(folder);
    writeFileSync(join(folder, "etl.methods.ts"), checked);
    const urls = await resolveModuleUrls([method("./etl.methods")], undefined, folder);
    expect(fileURLToPath(urls.get("a") ?? "")).toBe(join(folder, "etl.methods.ts"));
  });
});
