import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { flowc } from "./helpers.js";

/** How `flowc check` words the mistakes it can name precisely, through the real binary. */
const scratch = mkdtempSync(join(tmpdir(), "flowc-messages-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `flowc check --format json` on a manifest written to the scratch folder: its exit code and diagnostics. */
function checkJson(name: string, text: string): { status: number | null; diagnostics: unknown } {
  const file = join(scratch, name);
  writeFileSync(file, text);
  const result = flowc(["check", file, "--format", "json"]);
  return { status: result.status, diagnostics: JSON.parse(result.stdout) as unknown };
}

describe("flowc check names the mistake", () => {
  it("an unknown property that shortens a known one's words is told which it means", () => {
    const result = checkJson(
      "near-miss.flow",
      "a, b { execution_flow: sequential; }\nb < execution_flow: parallel; min_workers: 4; >\n",
    );
    expect(result.status).toBe(1);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({
        line: 2,
        column: 31,
        code: "FLOW2006",
        message: "Unknown property 'min_workers'. Did you mean 'min_worker_count'?",
      }),
    );
  });

  it("a dotted method name is one error saying what to export instead", () => {
    const result = checkJson(
      "dotted.flow",
      'import { Tokenizer.lines } from "./text";\nread, lines { execution_flow: sequential; }\n',
    );
    expect(result.status).toBe(1);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        line: 1,
        column: 10,
        endColumn: 25,
        code: "FLOW1013",
        message:
          "A method must be a top-level exported function, and 'Tokenizer.lines' names a member of 'Tokenizer': " +
          "export a function that calls it (export function lines(…) { return Tokenizer.lines(…); }) and name that function here.",
      }),
    ]);
  });

  it("a backend statement without its ';' is that one error, not a group named 'backend'", () => {
    const result = checkJson("backend.flow", "backend bullmq\nextract, load { execution_flow: sequential; }\n");
    expect(result.status).toBe(1);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        line: 1,
        column: 1,
        endColumn: 15,
        code: "FLOW1014",
        message: "The backend statement 'backend bullmq' must end with ';'.",
      }),
    ]);
  });

  it("a mistake whose fix it knows comes with the fix, its edits placed by line and column", () => {
    const result = checkJson("fixable.flow", "backend bullmq\nextract, load { execution_flow: sequential; }\n");
    expect(result.status).toBe(1);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: "FLOW1014",
        fixes: [
          { title: "Add ';'", preferred: true, edits: [{ line: 1, column: 15, endLine: 1, endColumn: 15, text: ";" }] },
        ],
      }),
    ]);
  });

  it("the code frame of a span over 500 lines marks three and says where it ends", () => {
    const file = join(scratch, "long-string.flow");
    const lines = Array.from({ length: 500 }, (_, i) => `part ${i}\\`).join("\n");
    writeFileSync(file, `backend "${lines}\n";\nextract, load { execution_flow: sequential; }\n`);
    const result = flowc(["check", file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${file}:1:9 - error FLOW2007: `);
    expect(result.stderr).toContain("  > 3 | part 2\\\n      | ^^^^^^^\n    … and 498 more lines, to 501:2\n");
    expect(result.stderr).not.toMatch(/ 4 \| /);
    // The message quotes the string on one line, cut short.
    expect(result.stderr).toContain(`FLOW2007: '"part 0\\ part 1\\ part 2\\ part 3\\ part…' is not a valid value`);
  });

  it("a manifest that is not UTF-8: where its first stray byte is, and the encoding to save it in", () => {
    const latin1 = join(scratch, "latin1.flow");
    writeFileSync(latin1, Buffer.from("load { retries: 3; }\n// caf\xe9\n", "latin1"));
    const utf16 = join(scratch, "utf16.flow");
    writeFileSync(utf16, Buffer.from("\ufeffload { retries: 3; }\n", "utf16le"));
    const result = flowc(["check", latin1, utf16, "--format", "json"]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("[]\n");
    expect(result.stderr).toBe(
      `flowc: cannot read ${latin1}: not UTF-8 text: no UTF-8 character begins with the byte 0xE9 at 2:7 (save the file as UTF-8)\n` +
        `flowc: cannot read ${utf16}: not UTF-8 text: it is UTF-16 (save the file as UTF-8)\n`,
    );
  });
});
