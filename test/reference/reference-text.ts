import { readFileSync } from "node:fs";
import path from "node:path";

/** One `### FLOWnnnn — title` entry of the Diagnostics section of grammar/REFERENCE.md. */
export interface ReferenceEntry {
  readonly code: number;
  readonly title: string;
  /** The entry's fenced code blocks, in order: manifest, methods module (`ts`, FLOW4xxx only), message(s). */
  readonly blocks: readonly { readonly lang: string; readonly body: string }[];
  /** The whole entry, heading included. */
  readonly text: string;
}

export const referencePath = path.resolve(import.meta.dirname, "../../grammar/REFERENCE.md");

export function readReference(): string {
  return readFileSync(referencePath, "utf8");
}

export function referenceEntries(text = readReference()): ReferenceEntry[] {
  return text
    .split(/^### /m)
    .slice(1)
    .flatMap((section) => {
      const heading = /^FLOW(\d{4}) — (.+)$/m.exec(section);
      if (heading === null || section.indexOf(heading[0]) !== 0) return [];
      const blocks = [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
        lang: m[1] ?? "",
        body: m[2] ?? "",
      }));
      return [{ code: Number(heading[1]), title: heading[2] ?? "", blocks, text: section }];
    });
}
