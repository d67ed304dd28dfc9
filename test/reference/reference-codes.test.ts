import { describe, expect, it } from "vitest";
import { Messages } from "../../grammar/diagnostics/catalogue.js";
import { readReference, referenceEntries } from "./reference-text.js";

describe("the catalogue and grammar/REFERENCE.md", () => {
  const codes = Object.values(Messages).map((message) => message.code);

  it("gives every diagnostic its own code, in the block of its phase", () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code >= 1001 && code <= 4999, `FLOW${code}`).toBe(true);
  });

  it("documents every code of the catalogue under its own heading, and no code it does not have", () => {
    const text = readReference();
    for (const code of codes) {
      expect(text, `FLOW${code} has no heading`).toMatch(new RegExp(`^### FLOW${code} — \\S`, "m"));
    }
    const documented = referenceEntries(text).map((entry) => entry.code);
    expect(new Set(documented).size, "a code is documented twice").toBe(documented.length);
    expect([...documented].sort()).toEqual([...codes].sort());
  });

  it("documents the codes in numeric order", () => {
    const documented = referenceEntries().map((entry) => entry.code);
    expect(documented).toEqual([...documented].sort((a, b) => a - b));
  });

  it("marks warnings as such in their heading", () => {
    const byCode = new Map(referenceEntries().map((entry) => [entry.code, entry.title]));
    for (const message of Object.values(Messages)) {
      expect(byCode.get(message.code)?.endsWith("(warning)"), `FLOW${message.code}`).toBe(
        message.severity === "warning",
      );
    }
  });
});
