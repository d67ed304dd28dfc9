import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";

export interface FileDigest {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** Hashes one file with SHA-256. */
export async function sha256File(path: string): Promise<FileDigest> {
  const content = await readFile(path);
  return { path, bytes: content.length, sha256: createHash("sha256").update(content).digest("hex") };
}
