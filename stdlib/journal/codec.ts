/**
 * How the stores write values (call outputs, a run's input) and read them
 * back: structured cloning (`v8.serialize`) for SQLite, JSON for Redis. A
 * value is checked first (see ./storable.ts); one that would not come back
 * as it went is refused with `FLOW_NOT_STORABLE`. What cannot be read back
 * means a damaged journal (`FLOW_JOURNAL_UNAVAILABLE`), never a guess.
 */
import { deserialize, serialize } from "node:v8";
import { describe, errors } from "../errors.js";
import { decodeJson, restoreHoles, type Hole } from "../backends/bullmq/payload.js";
import { damaged } from "./records.js";
import { unstorable } from "./storable.js";

/** `value` structured-cloned to bytes, or a `FLOW_NOT_STORABLE` error naming `method` (whose output it is). */
export function encodeClone(value: unknown, location: string, method: string): Buffer {
  const problem = unstorable(value, "clone");
  if (problem !== undefined) throw errors.notStorable(location, method, "clone", problem);
  try {
    return serialize(value);
  } catch (error) {
    throw errors.notStorable(location, method, "clone", error);
  }
}

/** The value of bytes that {@link encodeClone} wrote; `what` names them for the error when they cannot be read. */
export function decodeClone(data: Uint8Array, location: string, what: string): unknown {
  try {
    return deserialize(data);
  } catch (error) {
    throw damaged(location, `${what} cannot be read (${describe(error)})`);
  }
}

/**
 * `value` as JSON text, or a `FLOW_NOT_STORABLE` error naming `method`. The
 * text is `[value]`, or `[value, holes]` when the value holds `undefined`
 * (see the bullmq backend's `Hole`): `[null, [0]]` is `undefined` itself.
 * A member holding `undefined` is put back last in its object (its value and
 * key survive; its place among the keys does not, as in the bullmq backend).
 */
export function encodeJson(value: unknown, location: string, method: string): string {
  const holes: Hole[] = [];
  const problem = unstorable(value, "json", holes);
  if (problem !== undefined) throw errors.notStorable(location, method, "json", problem);
  try {
    return JSON.stringify(holes.length === 0 ? [value] : [value, holes]);
  } catch (error) {
    // A cycle: the walk visits each object once, so only JSON itself finds it.
    throw errors.notStorable(location, method, "json", error);
  }
}

/** The value of text that {@link encodeJson} wrote; `what` names it for the error when it cannot be read. */
export function decodeJsonValue(text: string, location: string, what: string): unknown {
  try {
    const stored = decodeJson(text);
    if (!Array.isArray(stored) || stored.length < 1 || stored.length > 2) throw new Error("not a stored value");
    const holes: unknown = stored.length === 2 ? stored[1] : [];
    if (!Array.isArray(holes)) throw new Error("its undefined places are not a list");
    return restoreHoles([stored[0]], holes, 1)[0];
  } catch (error) {
    throw damaged(location, `${what} cannot be read (${describe(error)})`);
  }
}
