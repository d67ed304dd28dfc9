/**
 * The public compiler API (`compile` from `flowc`) and the CLI are one compiler: for every
 * example, the runner and the declaration file `compile()` returns are the bytes `flowc build`
 * and `flowc build --declarations` write, and a manifest with an error gets the diagnostics
 * `flowc check --format json` prints.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile, createSession, printDiagnostics, type CompilerSession } from "../../src/index.js";
import { flowc, nodeProject, root } from "../cli/helpers.js";

const examples = readdirSync(path.join(root, "examples"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

let dir: string;
let session: CompilerSession;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "flowc-api-parity-"));
  nodeProject(dir);
  // Methods that import flowc/runtime's types find it as in a project that installed flowc.
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(root, path.join(dir, "node_modules", "flowc"), "dir");
  for (const name of examples) cpSync(path.join(root, "examples", name), path.join(dir, name), { recursive: true });
  session = createSession();
});

afterAll(() => {
  session.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("compile() and the CLI", () => {
  it.each(examples)(
    "%s: the same runner and declaration file",
    async (name) => {
      const manifest = path.join(dir, name, `${name}.flow`);
      const result = await compile(manifest, { session, declarations: true });
      expect(result.ok).toBe(true);
      expect(result.declarationsFile).toBe(path.join(dir, name, `${name}.d.flow.ts`));

      const built = flowc(["build", "--no-cache", `${name}/${name}.flow`], { cwd: dir });
      expect(built.status, built.stderr).toBe(0);
      expect(readFileSync(result.outFile, "utf8")).toBe(result.code);
      const declared = flowc(["build", "--no-cache", "--declarations", `${name}/${name}.flow`], { cwd: dir });
      expect(declared.status, declared.stderr).toBe(0);
      expect(readFileSync(result.declarationsFile!, "utf8")).toBe(result.declarations);
    },
    120_000,
  );

  it("gives a manifest with an error the diagnostics flowc check prints", async () => {
    const manifest = path.join(dir, "word-count", "broken.flow");
    writeFileSync(manifest, "splitChapters, mergeCounts, countWords { execution_flow: sequential; }\n");
    const result = await compile(manifest, { session, declarations: true });
    expect(result.ok).toBe(false);
    expect(result.code).toBeUndefined();
    expect(result.declarations).toBeUndefined();
    const checked = flowc(["check", "--no-cache", "--format", "json", manifest], { cwd: dir });
    expect(checked.status).toBe(1);
    expect(JSON.parse(printDiagnostics(result, { format: "json" }))).toEqual(JSON.parse(checked.stdout));
  }, 120_000);
});
