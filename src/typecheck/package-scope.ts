import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * The package.json that governs `file` (the nearest one in its folder or above), and its
 * `type`: what decides, under Node16/NodeNext and in Node itself, whether a `.ts`/`.js`
 * file is an ES module. A package.json that cannot be read or parsed has no `type`.
 */
export function packageScopeOf(file: string): { readonly packageJson: string | undefined; readonly type: unknown } {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    const candidate = path.join(dir, "package.json");
    let text: string | undefined;
    try {
      text = readFileSync(candidate, "utf8");
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      try {
        const parsed: unknown = JSON.parse(text);
        const type = typeof parsed === "object" && parsed !== null ? (parsed as { type?: unknown }).type : undefined;
        return { packageJson: candidate, type };
      } catch {
        return { packageJson: candidate, type: undefined };
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return { packageJson: undefined, type: undefined };
    dir = parent;
  }
}
