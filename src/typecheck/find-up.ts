import { statSync } from "node:fs";
import path from "node:path";

/** Whether `file` is a file (not a folder, and there at all). */
export function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The file named `name` nearest to `dir`: in it, else in each parent up to the root. */
export function findUp(dir: string, name: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const candidate = path.join(current, name);
    if (isFile(candidate)) return candidate;
    if (path.dirname(current) === current) return undefined;
  }
}
