/**
 * How a parallel method given a stream runs on a backend without
 * `mapStream`: the stream is read whole, then mapped as an array.
 */
import type { BackendMethod, CallScope, ItemStream, MapOptions } from "./api.js";
import { ItemFailure, MethodError } from "./errors.js";
import { ItemReader } from "./item-source.js";
import { itemNumber } from "./kit/item-numbers.js";

/**
 * For backends without `mapStream`: reads the whole stream, then maps the
 * array (by then `options.indices`, if given, numbers every item). A failure
 * of the stream itself is reported on the item being read.
 */
export async function collectThenMap(
  name: string,
  method: BackendMethod,
  stream: ItemStream,
  lanes: number,
  scope: CallScope,
  options: MapOptions | undefined,
): Promise<unknown[]> {
  const reader = new ItemReader(stream);
  const items: unknown[] = [];
  for (;;) {
    let chunk: unknown[];
    try {
      const taken = reader.take(4096);
      chunk = Array.isArray(taken) ? taken : await taken;
    } catch (error) {
      throw new MethodError(name, itemNumber(options?.indices, reader.read), 0, error);
    }
    if (chunk.length === 0) break;
    for (const item of chunk) items.push(item);
  }
  if (items.length === 0) return [];
  const outputs = await method.map(items, Math.min(lanes, items.length), scope, options);
  if (options?.tolerate !== true) return outputs;
  // The scheduler cannot index a stream: a failed item carries its input for a fallback.
  return outputs.map((output, k) =>
    output instanceof ItemFailure && output.input === undefined ? new ItemFailure(output.error, items[k]) : output,
  );
}
