/**
 * How flowc replaces a file it writes (a runner, a formatted manifest): never in place.
 * Writing over the file itself truncates it first, so a disk that fills up, a file-size
 * limit or a crash halfway leaves neither the old file nor the new one, and a build
 * that fails that way destroys the runner that worked. The text goes to a temporary
 * file beside the target (same folder, so same file system) and is renamed over it,
 * which replaces the name at once: whoever reads it sees the old file or the new one,
 * whole. A rename replaces a symbolic link at the target too, rather than writing
 * into whatever file the link points to.
 */
import { randomBytes } from "node:crypto";
import { lstat, open, readFile, rename, rm, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export interface ReplaceOptions {
  /** Permission bits of the new file (`0o644`); without it, those of a new file under the umask. */
  readonly mode?: number | undefined;
}

/** Whether `path` is a file (not a link to one) that holds `text`: then there is nothing to write. */
export async function fileHolds(path: string, text: string): Promise<boolean> {
  try {
    const stats = await lstat(path);
    // Its size says at once whether it can hold the text.
    if (!stats.isFile() || stats.size !== Buffer.byteLength(text)) return false;
    return (await readFile(path, "utf8")) === text;
  } catch {
    return false;
  }
}

/**
 * Replaces `path` with a file holding `text`, by way of a temporary file in its folder
 * that is removed again if anything fails. Throws the file system's error.
 */
export async function replaceFile(path: string, text: string, options: ReplaceOptions = {}): Promise<void> {
  // Hidden, and unique to this write: two builds at once never share one.
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  let handle: FileHandle | undefined;
  try {
    // `wx`: a new file, never one already there (nor a link someone placed at that name).
    handle = await open(temporary, "wx");
    if (options.mode !== undefined) await handle.chmod(options.mode);
    await handle.writeFile(text);
    // On disk before the rename, so that a crash right after it cannot leave an empty file under the name.
    await handle.datasync();
    await handle.close();
    handle = undefined;
    await rename(temporary, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}
