import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliPath, flowc, root } from "./helpers.js";

const fixtures = "test/fixtures/cli";
const scratch = mkdtempSync(join(tmpdir(), "flowc-cli-"));
// Runners are ES modules: the package they are written into says so, as a user's does.
writeFileSync(join(scratch, "package.json"), JSON.stringify({ type: "module" }));
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

  it("no command prints the help on stderr and exits 2", () => {
    const result = flowc([]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^Usage: flowc \[options\] \[command\]\n/);
  });

  it("`flowc help` asks for the help: stdout, exit 0", () => {
    const result = flowc(["help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: flowc /);
  });

  it("its fmt example leaves the pattern to the shell", () => {
    const result = flowc(["--help"]);
    expect(result.stdout).toContain("flowc fmt --check flows/*.flow ");
    expect(result.stdout).not.toContain('"flows/*.flow"');
  });

  it("ends quietly with exit 0 when the reader of its output closes the pipe first (flowc --help | head -1)", async () => {
    const child = spawn(process.execPath, [cliPath, "--help"], { stdio: ["ignore", "pipe", "pipe"] });
    // Closed before the help is written: the write fails with EPIPE.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, "exit")) as [number | null];
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
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
    expectOneLineReason(result.stderr, /^flowc: unknown option '--bogus'\n/);
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

  it("a quoted pattern the shell did not expand", () => {
    const result = flowc(["fmt", "--check", "flows/*.flow"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "flowc: cannot read flows/*.flow: no such file (flowc does not expand wildcards: leave the pattern unquoted for the shell)\n",
    );
  });

  it("--worker-wait that is not a duration", () => {
    const result = flowc(["run", `${fixtures}/no-input/no-input.flow`, "--backend", "bullmq", "--worker-wait", "30"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("flowc: --worker-wait must be a duration such as 250ms, 30s or 5m, not '30'\n");
  });

  it("flowc worker --grace that is a bare number, or longer than a timer can wait", () => {
    const worker = ["worker", `${fixtures}/no-input/no-input.flow`, "--redis", "redis://127.0.0.1:9"];
    const bare = flowc([...worker, "--grace", "5000"]);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toBe("flowc: --grace must be a duration such as 250ms, 30s or 5m, not '5000'\n");
    const long = flowc([...worker, "--grace", "600h"]);
    expect(long.status).toBe(2);
    expect(long.stderr).toBe(
      "flowc: --grace must be at most 2147483647ms (about 24.8 days, the longest a timer can wait), not '600h'\n",
    );
  });

  it("--connection-wait without --backend bullmq", () => {
    const result = flowc(["run", `${fixtures}/no-input/no-input.flow`, "--connection-wait", "5s"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "flowc: --connection-wait applies only to the bullmq backend (--backend bullmq, or 'backend bullmq;')\n",
    );
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

  it("an unreadable manifest does not hide the others' diagnostics: JSON on stdout, the reason on stderr, exit 2", () => {
    const result = flowc(["check", `${fixtures}/mismatch/mismatch.flow`, "missing.flow", "--format", "json"]);
    expect(result.status).toBe(2);
    const diagnostics = JSON.parse(result.stdout) as { file: string; code: string }[];
    expect(diagnostics.map((d) => [d.file, d.code])).toEqual([[`${fixtures}/mismatch/mismatch.flow`, "FLOW4001"]]);
    expect(result.stderr).toBe("flowc: cannot read missing.flow: no such file\n");
  });

  it("an unreadable manifest in text: the others' diagnostics, then one line per unreadable file, exit 2", () => {
    const result = flowc(["check", "missing.flow", `${fixtures}/mismatch/mismatch.flow`, "notes.txt"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${fixtures}/mismatch/mismatch.flow:1:12 - error FLOW4001: `);
    expect(result.stderr).toMatch(
      /Found 1 error and 0 warnings\.\nflowc: cannot read missing\.flow: no such file\nflowc: notes\.txt: not a \.flow manifest\n$/,
    );
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
    // No package.json is above /proc to make the runner an ES module: that is said first, as a warning.
    const [warning, reason] = result.stderr.split(/(?<=Found 0 errors and 1 warning\.\n)/);
    expect(warning).toMatch(/^examples\/word-count\/word-count\.flow:1:1 - warning FLOW4014: /);
    expectOneLineReason(
      reason ?? "",
      /^flowc: cannot write \/proc\/flowc-out\/examples\/word-count\/word-count\.flow\.ts: cannot make directory \/proc\/flowc-out: no such file\n$/,
    );
  });

  it("writes nothing when two manifests' runners would be one file, and names both and the file", () => {
    // Under --out-dir, manifests outside the current directory are written flat: a/ and b/ would collide.
    const dir = join(scratch, "collide");
    for (const sub of ["a", "b"]) cpSync(join(root, fixtures, "no-input"), join(dir, sub), { recursive: true });
    mkdirSync(join(dir, "cwd"));
    const result = flowc(["build", "../a/no-input.flow", "../b/no-input.flow", "--out-dir", "out"], {
      cwd: join(dir, "cwd"),
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "flowc: ../a/no-input.flow and ../b/no-input.flow would both be written to out/no-input.flow.ts\n" +
        "flowc: nothing written\n",
    );
    expect(existsSync(join(dir, "cwd/out"))).toBe(false);
  });

  it("the same manifest named twice is built once", () => {
    const outDir = join(scratch, "twice");
    const file = "examples/word-count/word-count.flow";
    const result = flowc(["build", file, `./${file}`, "--out-dir", outDir]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe(`wrote ${relative(root, join(outDir, file))}.ts\n`);
  });

  it("writes nothing when a manifest cannot be read, but still reports the others' diagnostics", () => {
    const outDir = join(scratch, "partial");
    const result = flowc(["build", "examples/word-count/word-count.flow", "missing.flow", "--out-dir", outDir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("flowc: cannot read missing.flow: no such file\nflowc: nothing written\n");
    expect(existsSync(outDir)).toBe(false);
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

  it("reports a methods module that throws while imported as the user's failure: manifest, module, error; exit 1", () => {
    const result = flowc(["run", `${fixtures}/throwing/throwing.flow`, "--input", "3", "--quiet"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `flowc: cannot load the methods of '${fixtures}/throwing/throwing.flow' from ` +
        `./${fixtures}/throwing/throwing.methods.ts: Error: boom at import\n`,
    );
  });

  it("runs a plan whose first method takes no parameter without --input", () => {
    const result = flowc(["run", `${fixtures}/no-input/no-input.flow`, "--quiet"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('"HELLO!"\n');
  });

  it("without --input, a plan that needs one is bad usage naming the type it expects", () => {
    const result = flowc(["run", "examples/word-count/word-count.flow"]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "flowc: examples/word-count/word-count.flow needs an input of type 'string': " +
        "pass --input '<json>' or --input @file.json\n",
    );
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

  it("with an unreadable file: changes nothing, --check still lists the others, exit 2", () => {
    const file = join(scratch, "messy-partial.flow");
    copyFileSync(join(root, fixtures, "messy/messy.flow"), file);
    const before = readFileSync(file, "utf8");

    const written = flowc(["fmt", file, "missing.flow"]);
    expect(written.status).toBe(2);
    expect(written.stderr).toBe("flowc: cannot read missing.flow: no such file\nflowc: nothing written\n");
    expect(readFileSync(file, "utf8")).toBe(before);

    const checked = flowc(["fmt", "--check", file, "missing.flow"]);
    expect(checked.status).toBe(2);
    expect(checked.stdout).toBe(`${file}\n`);
    expect(checked.stderr).toBe("flowc: cannot read missing.flow: no such file\n");
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
