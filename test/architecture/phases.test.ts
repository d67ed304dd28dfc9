import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Messages } from "../../grammar/diagnostics/catalogue.js";
import { root } from "../cli/helpers.js";

/**
 * Each block of the catalogue is reported by the phase its comment names, and by no
 * other: where a diagnostic comes from can be read off its code. Reading a message's code
 * (`Messages.UnusedImport.code`) to recognise a diagnostic, as the language service does
 * to act on one, is not reporting it.
 */
const phases: Record<number, readonly string[]> = {
  1: ["grammar/"],
  2: ["src/resolve/", "src/bind/", "src/emit/runner-import-paths.ts"],
  3: ["src/check/rules/"],
  4: ["src/typecheck/", "src/emit/runner-format.ts"],
};

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
    .map((file) => `${dir}/${file.split(path.sep).join("/")}`);
}

describe("the catalogue's phases", () => {
  const codeOf = new Map(Object.entries(Messages).map(([name, message]) => [name, message.code]));
  const uses = [...sources("grammar"), ...sources("src")].flatMap((file) =>
    [...readFileSync(path.join(root, file), "utf8").matchAll(/\bMessages\.(\w+)(?!\w|\.code\b)/g)].map((m) => ({
      file,
      name: m[1]!,
    })),
  );

  it("finds the catalogue used", () => {
    expect(uses.length).toBeGreaterThan(50);
  });

  for (const [block, places] of Object.entries(phases)) {
    it(`reports FLOW${block}xxx only from ${places.join(", ")}`, () => {
      const strays = uses
        .filter(({ name }) => Math.floor((codeOf.get(name) ?? 0) / 1000) === Number(block))
        .filter(({ file }) => !places.some((place) => file.startsWith(place)))
        .map(({ file, name }) => `${file}: ${name} (FLOW${codeOf.get(name)})`);
      expect(strays).toEqual([]);
    });
  }
});
