/**
 * Whether a workspace holds a manifest, found by a short walk of its folders: the server then
 * starts TypeScript before the first manifest is even opened.
 */
import { opendir } from "node:fs/promises";
import path from "node:path";

/** Folders never worth walking into: packages, version control, build output. */
const SKIPPED = new Set(["node_modules", ".git", ".hg", ".svn", "dist", "build", "out", "coverage"]);

/**
 * The first `.flow` file found under `roots`, breadth first, looking at no more than
 * `limit` entries (a huge workspace is not walked whole for this); `undefined` when none.
 */
export async function findManifest(roots: readonly string[], limit = 5_000): Promise<string | undefined> {
  const queue = [...roots];
  let looked = 0;
  while (queue.length > 0 && looked < limit) {
    const folder = queue.shift()!;
    let entries;
    try {
      entries = await opendir(folder);
    } catch {
      continue;
    }
    for await (const entry of entries) {
      if (++looked > limit) break;
      const full = path.join(folder, entry.name);
      if (entry.isFile() && entry.name.endsWith(".flow")) {
        // Leaving the loop early closes the folder.
        return full;
      }
      if (entry.isDirectory() && !SKIPPED.has(entry.name) && !entry.name.startsWith(".")) queue.push(full);
    }
  }
  return undefined;
}
