/**
 * The method of W2: about half a millisecond of CPU per item, spent in
 * sha256 over a 4 KiB block that depends on the item, so that no two items
 * hash the same data and no cache can skip the work.
 */
import { createHash } from "node:crypto";

export interface HashItem {
  /** The item's index: seeds its block. */
  readonly seed: number;
  /** How many times the block is fed to the hash: sets the item's cost (calibrated once per run). */
  readonly rounds: number;
}

export const BLOCK_BYTES = 4096;

/** A 4 KiB block of xorshift32 output seeded by `seed`. */
export function seededBlock(seed: number): Buffer {
  const block = Buffer.allocUnsafe(BLOCK_BYTES);
  // xorshift32 never leaves 0, so 0 is no seed.
  let state = (seed ^ 0x9e3779b9) | 0 || 1;
  for (let offset = 0; offset < BLOCK_BYTES; offset += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    block.writeInt32LE(state, offset);
  }
  return block;
}

/** Hex sha256 of the item's block repeated `rounds` times. */
export function hashItem(item: HashItem): string {
  const hash = createHash("sha256");
  const block = seededBlock(item.seed);
  for (let i = 0; i < item.rounds; i++) hash.update(block);
  return hash.digest("hex");
}
