import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../stdlib/errors.js";

const root = path.resolve(import.meta.dirname, "../..");
const errorsPath = path.join(root, "stdlib/ERRORS.md");

/** The `### FLOW_… — title` entries of stdlib/ERRORS.md, in order. */
function documentedCodes(): { readonly code: string; readonly text: string }[] {
  return readFileSync(errorsPath, "utf8")
    .split(/^### /m)
    .slice(1)
    .map((section) => ({ code: /^(FLOW_[A-Z_]+) — \S/.exec(section)?.[1] ?? section.slice(0, 40), text: section }));
}

describe("ErrorCode and stdlib/ERRORS.md", () => {
  const codes: string[] = Object.values(ErrorCode);

  it("gives every error its own code", () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code, code).toMatch(/^FLOW_[A-Z_]+$/);
  });

  it("documents every code under its own heading, and no code that does not exist", () => {
    const documented = documentedCodes().map((entry) => entry.code);
    expect(new Set(documented).size, "a code is documented twice").toBe(documented.length);
    for (const code of codes) expect(documented, `${code} is not documented`).toContain(code);
    for (const code of documented) expect(codes, `${code} is documented but not in ErrorCode`).toContain(code);
  });

  it("says for every code which errors carry it and what to do", () => {
    for (const { code, text } of documentedCodes()) {
      expect(text, code).toMatch(/Carried\s+by:\s/);
      expect(text, code).toMatch(/What\s+to\s+do:\s/);
    }
  });

  it("ships ERRORS.md with the package", () => {
    const files = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { files: string[] }).files;
    expect(files.some((entry) => entry === "stdlib" || entry === "stdlib/ERRORS.md")).toBe(true);
  });
});
