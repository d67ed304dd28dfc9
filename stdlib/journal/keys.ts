/**
 * A call's journal key: sha256 of the method's identity (module and export),
 * the hash of its code the compiler embedded in the plan, and the call's input:
 * as JSON when JSON writes all of it (plain objects, arrays, strings, finite
 * numbers, booleans and `null`: most inputs, and several times faster to
 * write), else as structured clone writes it, each tagged apart. Not the whole plan: editing one method changes
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
    const kind = keyable(input, 0);
    if (kind === Kind.None) return undefined;
    if (kind === Kind.Json) {
      hash.update("j").update(JSON.stringify(input));
    } else {
      let bytes: Buffer;
      try {
        bytes = serialize(input);
      } catch {
        return undefined;
      }
      hash.update("v").update(bytes);
    }
  }
  return hash.digest("hex");
}

/** How an input can be keyed: not at all, as JSON, or only by structured clone. Ordered: a part's kind bounds its whole's. */
const Kind = { None: 0, Clone: 1, Json: 2 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

/** Deeper than this, a value is not keyed (its serialisation would be costly, and its depth is unusual). */
const MAX_DEPTH = 64;

const plainPrototypes: ReadonlySet<object | null> = new Set([Object.prototype, Array.prototype, null]);

/**
 * Whether structured clone writes all of `value` that a method can tell apart
 * (primitives, and objects whose prototype is one of those it restores), and
 * whether JSON does too (no `undefined`, no hole, no `-0`, `NaN` or infinity,
 * no built-in object but plain ones and arrays).
 */
function keyable(value: unknown, depth: number): Kind {
  switch (typeof value) {
    case "string":
    case "boolean":
      return Kind.Json;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0) ? Kind.Json : Kind.Clone;
    case "undefined":
    case "bigint":
      return Kind.Clone;
    case "symbol":
    case "function":
      return Kind.None;
    default:
      break;
  }
  if (value === null) return Kind.Json;
  if (depth > MAX_DEPTH) return Kind.None;
  const prototype = Object.getPrototypeOf(value) as object | null;
  let kind: Kind = Kind.Json;
  if (plainPrototypes.has(prototype)) {
    if (Array.isArray(value)) {
      const array = value as unknown[];
      for (let i = 0; i < array.length; i++) {
        // A hole is no element: JSON writes `null` there.
        kind = Math.min(kind, i in array ? keyable(array[i], depth + 1) : Kind.Clone) as Kind;
        if (kind === Kind.None) return kind;
      }
      return kind;
    }
    for (const key in value) {
      kind = Math.min(kind, keyable((value as Record<string, unknown>)[key], depth + 1)) as Kind;
      if (kind === Kind.None) return kind;
    }
    // JSON writes `{}` for an object whose prototype is null too; `toJSON` is a function, so never here.
    return prototype === null ? (Math.min(kind, Kind.Clone) as Kind) : kind;
  }
  if (value instanceof Map) {
    for (const [key, entry] of value) {
      if (keyable(key, depth + 1) === Kind.None || keyable(entry, depth + 1) === Kind.None) return Kind.None;
    }
    return prototype === Map.prototype ? Kind.Clone : Kind.None;
  }
  if (value instanceof Set) {
    for (const entry of value) if (keyable(entry, depth + 1) === Kind.None) return Kind.None;
    return prototype === Set.prototype ? Kind.Clone : Kind.None;
  }
  return builtInPrototypes.has(prototype) ? Kind.Clone : Kind.None;
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
