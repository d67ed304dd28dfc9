/**
 * The bytes a call's input is keyed by: what a method can see of the value,
 * written one way whatever the engine's representation of it. V8's own
 * serialisation (`v8.serialize`) will not do for a key: it writes an array
 * with holey storage in another format than the same elements packed (a
 * resumed stage assembles its outputs in a fresh array, the backend in its
 * own), and an integer held as a double (an object field or array that ever
 * held a fraction, in this process) in another than the same integer held
 * small, so that equal inputs would get different keys and a stored call
 * would be made again.
 *
 * Every value is written with a tag and, where it has one, a length, so that
 * no two different values write the same bytes: numbers as IEEE doubles
 * (`-0` kept apart from `0`, every NaN alike), strings as UTF-16 code units
 * (lone surrogates kept), holes apart from `undefined`. An object met twice
 * is written twice: outputs reused from the journal are decoded one by one,
 * so that a stage's items share no object the second time even when they
 * did the first. What cannot be written faithfully (functions, symbols,
 * objects of classes of their own, values nested deeper than `MAX_DEPTH`,
 * which a cycle is) or would write more than `MAX_BYTES` makes no key at all.
 * Named properties an array carries besides its elements (those of a regular
 * expression's match) are left out: finding them would list every index of
 * every array, which costs more than all the rest of the encoding.
 */

/** Deeper than this, a value is not keyed (its encoding would be costly, and its depth is unusual). */
export const MAX_DEPTH = 64;

/** A value whose encoding grows past this is not keyed (one object reached along many paths is written for each). */
export const MAX_BYTES = 256 * 1024 * 1024;

/** A value that cannot be keyed; caught by `canonicalInput`. */
class Unkeyable extends Error {}

/** The canonical bytes of `value`, or `undefined` when it cannot be keyed faithfully. */
export function canonicalInput(value: unknown): Buffer | undefined {
  const writer = new Writer();
  try {
    writer.value(value, 0);
  } catch (error) {
    if (error instanceof Unkeyable) return undefined;
    throw error;
  }
  return writer.bytes();
}

const plainPrototypes: ReadonlySet<object | null> = new Set([Object.prototype, null]);

/** Built-ins whose structured clone keeps what they hold (their exact prototype, not a subclass), by tag. */
const viewTags = new Map<object, string>(
  [
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
    DataView,
  ].map((constructor) => [constructor.prototype as object, constructor.name]),
);

/** Strings up to this many code units are copied by hand. */
const SHORT_STRING = 32;

class Writer {
  #buffer = Buffer.allocUnsafe(256);
  #length = 0;

  bytes(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }

  value(value: unknown, depth: number): void {
    switch (typeof value) {
      case "undefined":
        return this.#tag("u");
      case "boolean":
        return this.#tag(value ? "t" : "f");
      case "number":
        return this.#number(value);
      case "bigint":
        this.#tag("n");
        return this.#string(value.toString(16));
      case "string":
        this.#tag("s");
        return this.#string(value);
      case "object":
        if (value === null) return this.#tag("0");
        return this.#object(value, depth);
      default:
        // Functions and symbols: structured clone refuses them.
        throw new Unkeyable();
    }
  }

  #object(value: object, depth: number): void {
    if (depth > MAX_DEPTH) throw new Unkeyable();
    const prototype = Object.getPrototypeOf(value) as object | null;
    if (Array.isArray(value)) {
      if (prototype !== Array.prototype) throw new Unkeyable();
      return this.#array(value as unknown[], depth);
    }
    if (plainPrototypes.has(prototype)) return this.#properties("o", value, Object.keys(value), depth);
    if (prototype === Map.prototype) {
      this.#tag("M");
      this.#count((value as Map<unknown, unknown>).size);
      for (const [key, entry] of value as Map<unknown, unknown>) {
        this.value(key, depth + 1);
        this.value(entry, depth + 1);
      }
      return;
    }
    if (prototype === Set.prototype) {
      this.#tag("S");
      this.#count((value as Set<unknown>).size);
      for (const entry of value as Set<unknown>) this.value(entry, depth + 1);
      return;
    }
    this.#builtIn(value, prototype, depth);
  }

  /** Elements by index, a hole apart from `undefined`. */
  #array(array: readonly unknown[], depth: number): void {
    this.#tag("a");
    this.#count(array.length);
    for (let i = 0; i < array.length; i++) {
      if (i in array) this.value(array[i], depth + 1);
      else this.#tag("_");
    }
  }

  #properties(tag: string, value: object, keys: readonly string[], depth: number): void {
    this.#tag(tag);
    this.#count(keys.length);
    for (const key of keys) {
      this.#string(key);
      this.value((value as Record<string, unknown>)[key], depth + 1);
    }
  }

  #builtIn(value: object, prototype: object | null, depth: number): void {
    if (prototype === Date.prototype) {
      this.#tag("D");
      return this.#number((value as Date).getTime());
    }
    if (prototype === RegExp.prototype) {
      this.#tag("R");
      this.#string((value as RegExp).source);
      return this.#string((value as RegExp).flags);
    }
    if (prototype === ArrayBuffer.prototype) {
      this.#tag("B");
      return this.#raw(new Uint8Array(value as ArrayBuffer));
    }
    const view = prototype === null ? undefined : viewTags.get(prototype);
    if (view !== undefined) {
      // The bytes in view, as Node's serialiser writes a view (a Buffer's pool around them is no part of it).
      const { buffer, byteOffset, byteLength } = value as ArrayBufferView;
      this.#tag("V");
      this.#string(view);
      return this.#raw(new Uint8Array(buffer, byteOffset, byteLength));
    }
    if (prototype === Error.prototype) return this.#error(value as Error, depth);
    if (prototype === Boolean.prototype || prototype === Number.prototype) {
      this.#tag(prototype === Boolean.prototype ? "T" : "N");
      return this.#number(Number((value as Boolean | Number).valueOf()));
    }
    if (prototype === String.prototype) {
      this.#tag("G");
      return this.#string((value as String).valueOf());
    }
    if (prototype === BigInt.prototype) {
      this.#tag("I");
      return this.#string((value as BigInt).valueOf().toString(16));
    }
    // An object of a class of its own would be cloned as a plain object: two classes with the same fields alike.
    throw new Unkeyable();
  }

  /** What structured clone keeps of an error: its name, message, stack and cause. */
  #error(error: Error, depth: number): void {
    this.#tag("E");
    this.#string(String(error.name));
    this.#optional(Object.hasOwn(error, "message") ? String(error.message) : undefined);
    this.#optional(typeof error.stack === "string" ? error.stack : undefined);
    if (Object.hasOwn(error, "cause")) {
      this.#tag("c");
      this.value(error.cause, depth + 1);
    } else {
      this.#tag("-");
    }
  }

  #optional(text: string | undefined): void {
    if (text === undefined) return this.#tag("-");
    this.#tag("+");
    this.#string(text);
  }

  #number(value: number): void {
    this.#tag("d");
    this.#room(8);
    // Every NaN alike: a method cannot tell their payloads apart.
    this.#buffer.writeDoubleLE(Number.isNaN(value) ? Number.NaN : value, this.#length);
    this.#length += 8;
  }

  /** A length or place: a non-negative integer. */
  #count(value: number): void {
    this.#room(8);
    this.#buffer.writeDoubleLE(value, this.#length);
    this.#length += 8;
  }

  /** A string's length, then its UTF-16 code units. */
  #string(value: string): void {
    this.#count(value.length);
    this.#room(value.length * 2);
    if (value.length > SHORT_STRING) {
      this.#length += this.#buffer.write(value, this.#length, "utf16le");
      return;
    }
    // Short strings code unit by code unit: cheaper than a call into the runtime for each.
    const buffer = this.#buffer;
    let at = this.#length;
    for (let i = 0; i < value.length; i++) {
      const unit = value.charCodeAt(i);
      buffer[at++] = unit & 0xff;
      buffer[at++] = unit >>> 8;
    }
    this.#length = at;
  }

  #raw(bytes: Uint8Array): void {
    this.#count(bytes.byteLength);
    this.#room(bytes.byteLength);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.byteLength;
  }

  #tag(tag: string): void {
    this.#room(1);
    this.#buffer[this.#length++] = tag.charCodeAt(0);
  }

  #room(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return;
    if (this.#length + bytes > MAX_BYTES) throw new Unkeyable();
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#length + bytes));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }
}
