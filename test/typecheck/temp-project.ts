import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** A throw-away folder of files, for cases too small to be worth a fixture folder. */
export interface TempDir {
  readonly root: string;
  write(relative: string, text: string): string;
  remove(): void;
}

export function createTempDir(prefix: string): TempDir {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    root,
    write(relative, text) {
      const file = path.join(root, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
