/**
 * Reads a manifest's text: from a file, and only a file, as UTF-8, and only UTF-8.
 * Anything else is refused with the reason (`TextUnreadable`), which the CLI reports
 * as it reports a file that cannot be read.
 */
import { isUtf8 } from "node:buffer";
import { constants, type Stats } from "node:fs";
import { open, stat } from "node:fs/promises";
import { createSourceText, positionAt } from "../../grammar/source.js";

/** Why a path that exists cannot be read as a manifest's text. */
export class TextUnreadable extends Error {}

/**
 * The text of the file at `path`. Reading a named pipe waits for a writer that may never
 * come, and a device may never end: the path is looked at before it is opened (opening
 * some devices does something), opened without waiting, and looked at again once open, in
 * case the name was given to something else in between. A link to a file is read.
 *
 * Bytes that are not UTF-8 (a file saved as Latin-1 or UTF-16) are refused where the first
 * one is, rather than read as replacement characters that every later message would show.
 */
export async function readText(path: string): Promise<string> {
  const before = notAFile(await stat(path));
  if (before !== undefined) throw new TextUnreadable(before);
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  let bytes: Buffer;
  try {
    const after = notAFile(await handle.stat());
    if (after !== undefined) throw new TextUnreadable(after);
    bytes = await handle.readFile();
  } finally {
    await handle.close();
  }
  if (!isUtf8(bytes)) throw new TextUnreadable(notUtf8(bytes));
  return bytes.toString("utf8");
}

/** Why `stats` are not those of a file flowc would read, or `undefined` when they are. */
function notAFile(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return "is a directory";
  if (stats.isFIFO()) return "is a named pipe, not a file";
  if (stats.isSocket()) return "is a socket, not a file";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "is a device, not a file";
  return "is not a file";
}

/** Where and how bytes that are not UTF-8 go wrong, for the one line that refuses them. */
function notUtf8(bytes: Buffer): string {
  const save = "save the file as UTF-8";
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return `not UTF-8 text: it is UTF-16 (${save})`;
  }
  const at = firstInvalidByte(bytes);
  // Lines and columns as diagnostics count them: over the text before the byte.
  const { line, column } = positionAt(createSourceText("", bytes.subarray(0, at).toString("utf8")), at);
  const byte = `0x${bytes[at]!.toString(16).toUpperCase().padStart(2, "0")}`;
  return `not UTF-8 text: no UTF-8 character begins with the byte ${byte} at ${line}:${column} (${save})`;
}

/**
 * The offset of the first byte that does not belong to a well-formed UTF-8 sequence
 * (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF), or `bytes.length`.
 */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length =
      lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    // The second byte's range rules out overlong forms, surrogates and code points past U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    const second = bytes[i + 1];
    if (second === undefined || second < low || second > high) return i;
    for (let k = 2; k < length; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += length;
  }
  return bytes.length;
}
