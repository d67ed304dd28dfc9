// The CPU benchmark's work written by hand on piscina: a task is a chunk of
// consecutive item indices, answered with their hashes.
import { tsImport } from "tsx/esm/api";

const { hashItem } = await tsImport(new URL("./threads-cpu.methods.ts", import.meta.url).href, import.meta.url);

export default function hashChunk({ first, count }) {
  const out = new Array(count);
  for (let k = 0; k < count; k++) out[k] = hashItem(first + k);
  return out;
}
