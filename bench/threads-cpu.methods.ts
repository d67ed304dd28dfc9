/**
 * The work of the CPU benchmark: one sha256 per item, fed `FLOWC_BENCH_ROUNDS`
 * times with a 4 KiB buffer seeded by the item's index. The rounds come from
 * the environment so that worker threads, which copy it when they start, do
 * the same work as the calling thread.
 */
import { createHash } from "node:crypto";

const KIB4 = 4096;

function rounds(): number {
  return Number(process.env["FLOWC_BENCH_ROUNDS"] ?? 1);
}

export function hashItem(index: number): string {
  const buffer = Buffer.alloc(KIB4);
  for (let i = 0; i < KIB4; i += 4) buffer.writeUInt32LE((index * 2654435761 + i) >>> 0, i);
  const hash = createHash("sha256");
  for (let round = rounds(); round > 0; round--) hash.update(buffer);
  return hash.digest("hex");
}
