import { describe, expect, it } from "vitest";
import { createSourceText } from "../../grammar/source.js";
import { createDiagnostic } from "../../grammar/diagnostics/diagnostic.js";
import { Messages } from "../../grammar/diagnostics/catalogue.js";
import { formatDiagnosticText, formatDiagnosticsText, frameWidth } from "../../src/diagnostics/printer.js";
import { runCheck } from "./pipeline.js";

/** The code frame of a duplicate-name diagnostic at the mention that starts at `offset`. */
function frameAt(text: string, offset: number, length: number): string[] {
  const source = createSourceText("long.flow", text);
  const diagnostic = createDiagnostic(
    Messages.DuplicateNameInGroup,
    "long.flow",
    {
      start: offset,
      end: offset + length,
    },
    ["m"],
  );
  return formatDiagnosticText(diagnostic, () => source, { color: false }).split("\n");
}

/** The printed source line (`> n | …`) and the caret line below it, without their gutters. */
function markedLine(frame: readonly string[]): { text: string; carets: string } {
  const index = frame.findIndex((line) => line.trimStart().startsWith(">"));
  const strip = (line: string) => line.replace(/^\s*>?\s*\d*\s\|\s?/, "");
  return { text: strip(frame[index]!), carets: strip(frame[index + 1]!) };
}

describe("code frames", () => {
  it("mark the first three lines of a span over a thousand, then say where it ends", () => {
    const text = `backend "${Array.from({ length: 1000 }, (_, i) => `line ${i}\\`).join("\n")}\n";\n`;
    const source = createSourceText("long.flow", text);
    const string = { start: text.indexOf('"'), end: text.lastIndexOf('"') + 1 };
    const diagnostic = createDiagnostic(Messages.UnknownValue, "long.flow", string, ["…", "backend", "…", ""]);
    const lines = formatDiagnosticText(diagnostic, () => source, { color: false }).split("\n");
    expect(lines.slice(1)).toEqual([
      "",
      '  > 1 | backend "line 0\\',
      "      |         ^^^^^^^^",
      "  > 2 | line 1\\",
      "      | ^^^^^^^",
      "  > 3 | line 2\\",
      "      | ^^^^^^^",
      "    … and 998 more lines, to 1001:2",
      "",
    ]);
  });

  it("print short lines whole, with the lines around them", () => {
    expect(
      frameAt("a, b { execution_flow: sequential; }\nb, a, b { retries: 1; }\nc { retries: 2; }\n", 43, 1),
    ).toEqual([
      "long.flow:2:7 - error FLOW2004: 'm' is listed twice in this group.",
      "",
      "    1 | a, b { execution_flow: sequential; }",
      "  > 2 | b, a, b { retries: 1; }",
      "      |       ^",
      "    3 | c { retries: 2; }",
      "",
    ]);
  });

  it("cut a long line to a window around the span, marked with '…' where cut", () => {
    const names = Array.from({ length: 30_001 }, (_, i) => `m${i}`);
    const text = `${names.join(", ")} { execution_flow: sequential; }\n`;
    const offset = text.indexOf("m15000,");
    const frame = frameAt(text, offset, "m15000".length);
    const { text: shown, carets } = markedLine(frame);
    expect(shown.length).toBe(frameWidth + 2);
    expect(shown.startsWith("…")).toBe(true);
    expect(shown.endsWith("…")).toBe(true);
    const caret = carets.indexOf("^");
    expect(shown.slice(caret, caret + 6)).toBe("m15000");
    expect(carets.trim()).toBe("^^^^^^");
    // The line below the text is empty and stays so.
    expect(frame).toContain("    2 |");
  });

  it("show the end of a long line without a trailing '…'", () => {
    const text = `${"a, ".repeat(100)}zz { retries: 1; }`;
    const { text: shown, carets } = markedLine(frameAt(text, text.indexOf("zz"), 2));
    expect(shown).toBe(`…${text.slice(text.length - frameWidth)}`);
    expect(shown.slice(carets.indexOf("^"), carets.indexOf("^") + 2)).toBe("zz");
  });

  it("keep the start of a span wider than the window and cut its end", () => {
    const text = `x${" ".repeat(200)}${"y".repeat(300)} { retries: 1; }`;
    const { text: shown, carets } = markedLine(frameAt(text, 201, 300));
    expect(shown).toBe(`…${"y".repeat(frameWidth)}…`);
    // The cut end is marked too: the span goes on.
    expect(carets).toBe(` ${"^".repeat(frameWidth + 1)}`);
  });

  it("print the diagnostics of a 30,001-name group in output linear in their number", () => {
    const text = `m, ${Array.from({ length: 30_000 }, () => "m").join(", ")} { execution_flow: sequential; }\n`;
    // The printer, not the compiler's limit of diagnostics per file, is under test.
    const result = runCheck(text, { path: "long.flow", limit: Infinity });
    expect(result.diagnostics).toHaveLength(30_000);
    const output = formatDiagnosticsText(result.diagnostics, () => result.source, { color: false });
    const longest = output.split("\n").reduce((most, line) => Math.max(most, line.length), 0);
    expect(longest).toBeLessThan(frameWidth + 20);
    expect(output.length).toBeLessThan(30_000 * 450);
  });
});
