import { afterAll, describe, expect, it } from "vitest";
import { check, createSession, printDiagnostics, type DiagnosticEdit } from "../../src/index.js";
import { manifestPath } from "./fix-support.js";

/** The text with the edits made, placed by their lines and columns alone (as an editor places them). */
function applyByPosition(text: string, edits: readonly DiagnosticEdit[]): string {
  const lines = text.split("\n");
  const offset = (line: number, column: number) =>
    lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) + column - 1;
  return [...edits]
    .sort((a, b) => offset(b.line, b.column) - offset(a.line, a.column))
    .reduce(
      (result, edit) =>
        result.slice(0, offset(edit.line, edit.column)) +
        edit.text +
        result.slice(offset(edit.endLine, edit.endColumn)),
      text,
    );
}

const session = createSession();
afterAll(() => session.close());

describe("fixes in the public API", () => {
  const text =
    'import { cleanup } from "./sources";\n\nextract, lod { execution_flow: sequential; }\nlod { retries: 1; }\n';

  it("come with lines, columns and offsets of each edit, and fix the manifest", async () => {
    const result = await check({ path: manifestPath, text }, { session });
    expect(
      result.diagnostics.map((d) => ({ code: d.code, fixes: d.fixes?.map((f) => [f.title, f.preferred]) })),
    ).toEqual([
      { code: "FLOW2010", fixes: [["Remove unused import 'cleanup'", true]] },
      { code: "FLOW2003", fixes: [["Change every 'lod' to 'load'", true]] },
    ]);
    const rename = result.diagnostics[1]!.fixes![0]!;
    expect(rename.edits).toEqual([
      { line: 3, column: 10, endLine: 3, endColumn: 13, start: 47, end: 50, text: "load" },
      { line: 4, column: 1, endLine: 4, endColumn: 4, start: 83, end: 86, text: "load" },
    ]);
    for (const edit of rename.edits) expect(text.slice(edit.start, edit.end)).toBe("lod");

    const remove = result.diagnostics[0]!.fixes![0]!;
    const fixed = applyByPosition(text, remove.edits);
    expect(fixed).toBe("extract, lod { execution_flow: sequential; }\nlod { retries: 1; }\n");
    const clean = await check({ path: manifestPath, text: applyByPosition(text, rename.edits) }, { session });
    expect(clean.diagnostics.map((d) => d.code)).toEqual(["FLOW2010"]);
  });

  it("print in JSON as `flowc check --format json` does, with positions but not offsets", async () => {
    const result = await check({ path: manifestPath, text }, { session });
    const printed = JSON.parse(printDiagnostics(result, { format: "json" })) as { fixes?: unknown }[];
    expect(printed[1]!.fixes).toEqual([
      {
        title: "Change every 'lod' to 'load'",
        preferred: true,
        edits: [
          { line: 3, column: 10, endLine: 3, endColumn: 13, text: "load" },
          { line: 4, column: 1, endLine: 4, endColumn: 4, text: "load" },
        ],
      },
    ]);
  });

  it("are absent from a diagnostic the compiler knows no fix of", async () => {
    const result = await check(
      { path: manifestPath, text: "extract, zzzzzz { execution_flow: sequential; }\n" },
      { session },
    );
    expect(result.diagnostics.map((d) => d.code)).toEqual(["FLOW2003"]);
    expect("fixes" in result.diagnostics[0]!).toBe(false);
  });
});
