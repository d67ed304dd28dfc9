import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { flowc, root } from "./helpers.js";

const fixtures = "test/fixtures/cli";
const scratch = mkdtempSync(join(tmpdir(), "flowc-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A failure is explained on one line, never with a stack trace. */
function expectOneLineReason(stderr: string, reason: RegExp): void {
  expect(stderr).toMatch(reason);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe("flowc --help and --version", () => {
  it("--help lists every command and exits 0", () => {
    const result = flowc(["--help"]);
    expect(result.status).toBe(0);
    for (const command of ["check", "build", "run", "graph", "fmt"]) expect(result.stdout).toContain(command);
  });

  it("--version prints the package version", () => {
    const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    const result = flowc(["--version"]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });
});

describe("bad usage exits 2 with a one-line reason", () => {
  it("unknown option", () => {
    const result = flowc(["check", "--bogus", "x.flow"]);
    expect(result.status).toBe(2);
    expectOneLineReason(result.stderr, /unknown option '--bogus'/);
  });

  it("unknown command", () => {
    const result = flowc(["chekc", "x.flow"]);
    expect(result.status).toBe(2);
    expectOneLineReason(result.stderr, /unknown command 'chekc'/);
  });

  it("unreadable manifest", () => {
    const result = flowc(["check", "does/not/exist.flow"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("flowc: cannot read does/not/exist.flow: no such file\n");
  });

  it("--workers that is not a positive integer", () => {
    const result = flowc(["check", "examples/csv-clean/csv-clean.flow", "--workers", "0"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("flowc: --workers must be a positive integer, not '0'\n");
  });

  it("--input that is not JSON", () => {
    const result = flowc(["run", "examples/csv-clean/csv-clean.flow", "--input", "{nope"]);
    expect(result.status).toBe(2);
    expectOneLineReason(result.stderr, /^flowc: --input is not valid JSON: /);
  });
});

describe("flowc check", () => {
  it("passes clean manifests with exit 0 and prints nothing", () => {
    const result = flowc(["check", "examples/csv-clean/csv-clean.flow", "examples/sales-join/sales-join.flow"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("reports a type mismatch at the receiving method with both types and a code frame", () => {
    const result = flowc(["check", `${fixtures}/mismatch/mismatch.flow`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${fixtures}/mismatch/mismatch.flow:1:12 - error FLOW4001: `);
    expect(result.stderr).toContain("'{ id: number; name: string | undefined; }'");
    expect(result.stderr).toContain("'{ name: string; }'");
    expect(result.stderr).toMatch(/> 1 \| fetchUser, greet \{ execution_flow: sequential; \}\n\s+\|\s+\^{5}/);
    expect(result.stderr).toMatch(/Found 1 error and 0 warnings\./);
  });

  it("--format json prints one array of located diagnostics on stdout", () => {
    const result = flowc(["check", `${fixtures}/mismatch/mismatch.flow`, "--format", "json"]);
    expect(result.status).toBe(1);
    const diagnostics = JSON.parse(result.stdout) as unknown[];
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      file: `${fixtures}/mismatch/mismatch.flow`,
      line: 1,
      column: 12,
      endLine: 1,
      endColumn: 17,
      severity: "error",
      code: "FLOW4001",
    });
  });

  it("--format json prints [] for a clean manifest", () => {
    const result = flowc(["check", "examples/word-count/word-count.flow", "--format", "json"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it("--workers below a parallel stage's minimum is an error naming the stage", () => {
    const result = flowc(["check", "examples/hash-files/hash-files.flow", "--workers", "2", "--format", "json"]);
    expect(result.status).toBe(1);
    const [diagnostic] = JSON.parse(result.stdout) as { code: string; message: string }[];
    expect(diagnostic?.code).toBe("FLOW3009");
    expect(diagnostic?.message).toContain("sha256File");
  });
});

describe("flowc build", () => {
  it("writes a deterministic runner under --out-dir, keeping relative paths", () => {
    const outDir = join(scratch, "out");
    const first = flowc(["build", "examples/word-count/word-count.flow", "--out-dir", outDir]);
    expect(first.status).toBe(0);
    const outFile = join(outDir, "examples/word-count/word-count.flow.ts");
    const code = readFileSync(outFile, "utf8");
    expect(code).toMatch(/do not edit/i);
    expect(code).toMatch(/export (async )?function run\(/);
    const second = flowc(["build", "examples/word-count/word-count.flow", "--out-dir", outDir]);
    expect(second.status).toBe(0);
    expect(readFileSync(outFile, "utf8")).toBe(code);
  });

  it("exits 2 with one line naming the directory it cannot make, rather than hang, for an --out-dir under /proc", () => {
    // Under /proc, making a directory fails with ENOENT although its parent exists: Node's recursive mkdir retries for ever.
    const result = flowc(["build", "examples/word-count/word-count.flow", "--out-dir", "/proc/flowc-out"]);
    expect(result.status).toBe(2);
    expectOneLineReason(
      result.stderr,
      /^flowc: cannot write \/proc\/flowc-out\/examples\/word-count\/word-count\.flow\.ts: cannot make directory \/proc\/flowc-out: no such file\n$/,
    );
  });

  it("writes nothing for a manifest with errors", () => {
    const outDir = join(scratch, "broken");
    const result = flowc(["build", `${fixtures}/mismatch/mismatch.flow`, "--out-dir", outDir]);
    expect(result.status).toBe(1);
    expect(existsSync(join(outDir, fixtures, "mismatch/mismatch.flow.ts"))).toBe(false);
  });
});

describe("flowc run", () => {
  it("names the method, the item and the cause of a failure, and exits 1", () => {
    const result = flowc(["run", `${fixtures}/failing/failing.flow`, "--input", "5", "--quiet"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expectOneLineReason(result.stderr, /^flowc: run failed: .*'invert'.*item 2.*cannot invert 2 today/);
  });
});

describe("flowc graph", () => {
  it("prints a mermaid flowchart with every method and edge", () => {
    const result = flowc(["graph", "examples/reading-stats/reading-stats.flow", "--format", "mermaid"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^flowchart/m);
    for (const name of ["loadReadings", "summarize", "histogram", "report"]) expect(result.stdout).toContain(name);
  });

  it("prints graphviz dot", () => {
    const result = flowc(["graph", "examples/reading-stats/reading-stats.flow", "--format", "dot"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^digraph/m);
  });
});

describe("flowc fmt", () => {
  it("--check lists unformatted files and exits 1; fmt rewrites them; a second fmt changes nothing", () => {
    const file = join(scratch, "messy.flow");
    copyFileSync(join(root, fixtures, "messy/messy.flow"), file);
    const before = readFileSync(file, "utf8");

    const checked = flowc(["fmt", "--check", file]);
    expect(checked.status).toBe(1);
    expect(checked.stdout).toBe(`${file}\n`);
    expect(readFileSync(file, "utf8")).toBe(before);

    expect(flowc(["fmt", file]).status).toBe(0);
    const once = readFileSync(file, "utf8");
    expect(once).not.toBe(before);
    expect(once).toContain("/* keep me */");
    expect(once).toContain("// trailing");

    expect(flowc(["fmt", file]).status).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(once);
    expect(flowc(["fmt", "--check", file]).status).toBe(0);
  });

  it("every example is already formatted", () => {
    const result = flowc([
      "fmt",
      "--check",
      ...["csv-clean", "hash-files", "word-count", "reading-stats", "sales-join"].map((n) => `examples/${n}/${n}.flow`),
    ]);
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });
});
