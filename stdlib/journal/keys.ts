/**
 * A call's journal key: sha256 of the method's identity (module and export),
 * the hash of its code the compiler embedded in the plan, and the call's input
 * as structured clone writes it. Not the whole plan: editing one method changes
 * the keys of its own calls only, and then of whatever its changed output reaches.
 *
 * A key is made only for inputs whose serialisation says everything the method
 * can see of them: plain data, arrays and the built-ins structured clone keeps
 * (dates, maps, sets, regular expressions, buffers, errors). An object of a
 * class of its own is cloned as a plain object, so two different classes with
 * the same fields would share a key; such inputs get none, and their calls are
 * neither stored nor reused.
 */
import { createHash } from "node:crypto";
import { serialize } from "node:v8";
import type { PlanMethod } from "../plan.js";

/** Whether a method's calls may be stored and reused at all. */
export function journaled(method: PlanMethod): boolean {
  return method.cache && method.codeHash !== null;
}

/** The prefix every key of `method` shares: its identity and code. */
export function keyPrefix(method: PlanMethod): string {
  return `${method.module}\0${method.exportName}\0${method.codeHash ?? ""}\0`;
}

/**
 * The key of calling the method whose `keyPrefix` is `prefix` with `input`, or
 * `undefined` when the input cannot be keyed faithfully (see above). Methods that
 * take no input are keyed by their code alone.
 */
export function callKey(prefix: string, takesInput: boolean, input: unknown): string | undefined {
  const hash = createHash("sha256").update(prefix);
  if (takesInput) {
    if (!keyable(input, 0)) return undefined;
    let bytes: Buffer;
    try {
      bytes = serialize(input);
    } catch {
      return undefined;
    }
    hash.update(bytes);
  }
  return hash.digest("hex");
}

/** Deeper than this, a value is not keyed (its serialisation would be costly, and its depth is unusual). */
const MAX_DEPTH = 64;

const plainPrototypes: ReadonlySet<object | null> = new Set([Object.prototype, Array.prototype, null]);

/**
 * Whether structured clone writes all of `value` that a method can tell apart:
 * primitives, and objects whose prototype is one of those it restores.
 */
function keyable(value: unknown, depth: number): boolean {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return typeof value !== "symbol";
  if (typeof value === "function" || depth > MAX_DEPTH) return false;
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (plainPrototypes.has(prototype)) {
    if (Array.isArray(value)) {
      for (const element of value as unknown[]) if (!keyable(element, depth + 1)) return false;
      return true;
    }
    for (const key in value) {
      if (!keyable((value as Record<string, unknown>)[key], depth + 1)) return false;
    }
    return true;
  }
  if (value instanceof Map) {
    for (const [key, entry] of value) if (!keyable(key, depth + 1) || !keyable(entry, depth + 1)) return false;
    return prototype === Map.prototype;
  }
  if (value instanceof Set) {
    for (const entry of value) if (!keyable(entry, depth + 1)) return false;
    return prototype === Set.prototype;
  }
  return builtInPrototypes.has(prototype);
}

/** Built-ins whose structured clone keeps what they hold (their exact prototype, not a subclass). */
const builtInPrototypes: ReadonlySet<object | null> = new Set<object>([
  Date.prototype,
  RegExp.prototype,
  ArrayBuffer.prototype,
  DataView.prototype,
  Error.prototype,
  Boolean.prototype,
  Number.prototype,
  String.prototype,
  BigInt.prototype,
  ...[
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
    Buffer,
  ].map((constructor) => constructor.prototype as object),
]);
