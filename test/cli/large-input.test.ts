import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { flowc } from "./helpers.js";

/**
 * Files far larger or more broken than anyone writes by hand: each must end in located
 * diagnostics (at most 1,000 and one that counts the rest), never in an internal error.
 */
const scratch = mkdtempSync(join(tmpdir(), "flowc-large-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface JsonDiagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: string;
  readonly code: string;
  readonly message: string;
}

function write(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

/** `flowc check --format json`: its diagnostics, which must be valid JSON, with exit 1 and nothing on stderr. */
function checkJson(file: string): JsonDiagnostic[] {
  const result = flowc(["check", file, "--format", "json"]);
  expect(result.stderr).toBe("");
  expect(result.status).toBe(1);
  return JSON.parse(result.stdout) as JsonDiagnostic[];
}

/** Characters of the language and others, in an order that repeats only after millions (a linear congruential generator). */
function garbage(length: number): string {
  const alphabet = "{}<>:;,\"'/*@#abc 123\n\t.=-";
  const out: string[] = [];
  let state = 12345;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out.push(alphabet[(state >>> 16) % alphabet.length]!);
  }
  return out.join("");
}

describe("flowc check on very large or broken files", () => {
  it("150,000 bad characters: the first 1,000, then one error counting the other 149,000", () => {
    const file = write("at.flow", "@".repeat(150_000));
    const diagnostics = checkJson(file);
    expect(diagnostics).toHaveLength(1001);
    expect(diagnostics.slice(0, 1000).every((d, i) => d.code === "FLOW1002" && d.column === i + 1)).toBe(true);
    expect(diagnostics[1000]).toEqual({
      file,
      line: 1,
      column: 1001,
      endLine: 1,
      endColumn: 1002,
      severity: "error",
      code: "FLOW1011",
      message:
        "Only the first 1000 diagnostics of this file are shown: 149000 more follow from here (149000 errors, 0 warnings).",
    });
  });

  it("the same in text: code frames for 1,000 and the count, no internal error", () => {
    const file = write("at-text.flow", "@".repeat(150_000));
    const result = flowc(["check", file]);
    expect(result.status).toBe(1);
    expect(result.stderr).not.toContain("internal error");
    expect(result.stderr).toContain(`${file}:1:1001 - error FLOW1011: Only the first 1000 diagnostics`);
    expect(result.stderr).toMatch(/Found 1001 errors and 0 warnings\.\n$/);
  });

  it("5 MB of garbage: located diagnostics, the last counting the rest", () => {
    const text = garbage(5_000_000);
    const file = write("garbage.flow", text);
    const diagnostics = checkJson(file);
    expect(diagnostics).toHaveLength(1001);
    const lines = text.split("\n").length;
    for (const d of diagnostics) {
      expect(d.file).toBe(file);
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.line).toBeLessThanOrEqual(lines);
      expect(d.column).toBeGreaterThanOrEqual(1);
    }
    expect(diagnostics.at(-1)?.code).toBe("FLOW1011");
    expect(diagnostics.at(-1)?.message).toMatch(/^Only the first 1000 diagnostics of this file are shown: /);
  });

  it("100,000 syntax errors: the parser stops reading and says so", () => {
    const file = write("semicolons.flow", "load { retries: 3 }\n".repeat(100_000));
    const diagnostics = checkJson(file);
    expect(diagnostics).toHaveLength(1001);
    expect(diagnostics[999]).toMatchObject({ line: 1000, column: 19, code: "FLOW1001" });
    expect(diagnostics[1000]).toMatchObject({
      line: 1001,
      column: 19,
      code: "FLOW1011",
      message:
        "Only the first 1000 diagnostics of this file are shown: flowc stopped reading it after 2001 problems, so more may follow.",
    });
  });

  it("a misspelt 64 KB name still gets its suggestion", () => {
    const name = "y".repeat(65_536);
    const file = write(
      "long.flow",
      `import { ${name} } from "./m";\nextract, ${name}z { execution_flow: sequential; }\n`,
    );
    const diagnostics = checkJson(file);
    const notImported = diagnostics.find((d) => d.code === "FLOW2012");
    expect(notImported).toMatchObject({ line: 2, column: 10 });
    expect(notImported?.message.endsWith(`did you mean '${name}' (imported from './m')?`)).toBe(true);
  });
});

describe("flowc fmt on very large files", () => {
  it("a group of 200,000 names", () => {
    const names = Array.from({ length: 200_000 }, (_, i) => `m${i}`).join(", ");
    const file = write("wide.flow", `${names} {\n  execution_flow: sequential;\n}\n`);
    const result = flowc(["fmt", "--check", file]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });

  it("keeps every one, trailing, leading or inside a line, and formats to a fixed point", () => {
    const comments = 200_000;
    const third = Math.floor(comments / 3);
    const text =
      `${" /* lead */".repeat(third)} extract, ${"/* inner */ ".repeat(third)}load { retries: 1; }` +
      `${" /* trail */".repeat(comments - 2 * third)}\n`;
    const file = write("comments.flow", text);
    const first = flowc(["fmt", file]);
    expect(first.stderr).toBe(`formatted ${file}\n`);
    expect(first.status).toBe(0);
    const formatted = readFileSync(file, "utf8");
    expect(formatted.match(/\/\* (lead|inner|trail) \*\//g)).toHaveLength(comments);
    const second = flowc(["fmt", "--check", file]);
    expect(second.stdout).toBe("");
    expect(second.status).toBe(0);
  });
});
