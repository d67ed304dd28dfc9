/**
 * Moving errors and events between threads, and explaining values that
 * cannot move.
 *
 * Structured cloning turns an error of any class but the built-in ones into a
 * plain `Error`, dropping its `name`, `code` and own fields, and loses the
 * runtime's classes altogether. Errors therefore travel as `Encoded` data and
 * are rebuilt on arrival: the runtime's own errors as instances of their
 * classes, others as built-in errors carrying the original name, message,
 * stack, fields and cause.
 */
import { DefaultSerializer } from "node:v8";
import type { FlowEvent } from "../../api.js";
import { describeValue, ErrorCode, MethodError, MethodTimeoutError, NonRetryableError } from "../../errors.js";
import type { Encoded, EncodedCallEvent, EncodedError } from "./messages.js";

/** Causes nested deeper than this are cut off: a cycle of causes must not loop. */
const MAX_CAUSE_DEPTH = 8;

const BUILT_IN_ERRORS: Readonly<Record<string, ErrorConstructor>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** Fields an encoded error carries in its own slots, never among `props`. */
const OWN_SLOTS = new Set(["name", "message", "stack", "cause"]);

export function encode(value: unknown, depth = 0): Encoded {
  if (!isErrorLike(value)) return { kind: "value", value: isCloneable(value) ? value : describeValue(value) };
  // A thrown error's fields are read once here; one whose getter throws is left out rather than crash the thread.
  const read = (key: string): unknown => {
    try {
      return (value as unknown as Record<string, unknown>)[key];
    } catch {
      return undefined;
    }
  };
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (OWN_SLOTS.has(key)) continue;
    const field = read(key);
    if (isCloneable(field)) props[key] = field;
  }
  const causeValue = depth < MAX_CAUSE_DEPTH && "cause" in value ? read("cause") : undefined;
  const name = read("name");
  const message = read("message");
  const stack = read("stack");
  return {
    kind: "error",
    name: typeof name === "string" ? name : "Error",
    message: typeof message === "string" ? message : String(message),
    stack: typeof stack === "string" ? stack : undefined,
    props,
    cause: causeValue === undefined ? undefined : encode(causeValue, depth + 1),
  };
}

export function decode(encoded: Encoded): unknown {
  return encoded.kind === "value" ? encoded.value : decodeError(encoded);
}

function decodeError(encoded: EncodedError): Error {
  const props = encoded.props;
  const cause = encoded.cause === undefined ? undefined : decode(encoded.cause);
  let error: Error;
  switch (props["code"]) {
    case ErrorCode.MethodTimeout:
      error = new MethodTimeoutError(
        String(props["method"]),
        optionalNumber(props["item"]),
        Number(props["timeoutMs"]),
      );
      break;
    case ErrorCode.NonRetryable:
      error = new NonRetryableError(encoded.message, cause === undefined ? undefined : { cause });
      break;
    case ErrorCode.MethodFailed:
      error = new MethodError(String(props["method"]), optionalNumber(props["item"]), Number(props["attempts"]), cause);
      break;
    default: {
      const Builtin = Object.hasOwn(BUILT_IN_ERRORS, encoded.name) ? BUILT_IN_ERRORS[encoded.name] : undefined;
      error = new (Builtin ?? Error)(encoded.message, cause === undefined ? undefined : { cause });
      if (error.name !== encoded.name) define(error, "name", encoded.name);
      for (const [key, field] of Object.entries(props)) (error as unknown as Record<string, unknown>)[key] = field;
    }
  }
  // The worker's stack says where the error was thrown; the rebuilt one would only show this file.
  if (encoded.stack !== undefined) define(error, "stack", encoded.stack);
  return error;
}

export function encodeCallEvent(event: FlowEvent): EncodedCallEvent | undefined {
  switch (event.type) {
    case "call:retry":
      return {
        type: event.type,
        time: event.time,
        item: event.item,
        attempt: event.attempt,
        delayMs: event.delayMs,
        error: encode(event.error),
      };
    case "call:fail":
      return {
        type: event.type,
        time: event.time,
        item: event.item,
        attempts: event.attempts,
        error: encode(event.error),
      };
    default:
      return undefined;
  }
}

export function decodeCallEvent(event: EncodedCallEvent, runId: string, method: string): FlowEvent {
  switch (event.type) {
    case "call:retry":
      return { ...event, runId, method, error: decode(event.error) };
    case "call:fail":
      return { ...event, runId, method, error: decode(event.error) };
  }
}

/**
 * `v8.serialize`, except that it refuses views of shared memory, which it
 * would copy: those must go through `postMessage`, which shares them.
 */
class Packer extends DefaultSerializer {
  // Node's hook for host objects (typed arrays among them); the type declarations leave it out.
  _writeHostObject(object: object): void {
    if (ArrayBuffer.isView(object) && !(object.buffer instanceof ArrayBuffer)) {
      // Internal: the packer's caller catches this and posts the value as it is instead; no user sees it.
      throw new TypeError("shared memory is shared through postMessage, not packed");
    }
    writeHostObject.call(this, object);
  }
}

const writeHostObject = (DefaultSerializer.prototype as unknown as { _writeHostObject(object: object): void })
  ._writeHostObject;

/**
 * `values` written as bytes that can be transferred rather than copied, or
 * `undefined` when they cannot be: then they must go as they are, through
 * `postMessage`, which shares shared memory and reports what cannot be cloned.
 */
export function pack(values: readonly unknown[]): Uint8Array | undefined {
  try {
    const packer = new Packer();
    packer.writeHeader();
    packer.writeValue(values);
    const bytes = packer.releaseBuffer();
    // Transferring the bytes detaches their buffer: it must hold nothing else.
    return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
  } catch {
    return undefined;
  }
}

/** Why a value cannot cross to or from a worker thread, and where in it. */
export type CloneProblem =
  /** Structured cloning refuses the part at `path` (a function, a WeakMap, a value nested too deep). */
  | { readonly kind: "uncloneable"; readonly path: string; readonly what: string }
  /** Reading the part at `path` threw `error` (a getter): the method's own failure, not a transport one. */
  | { readonly kind: "throws"; readonly path: string; readonly error: unknown };

/**
 * What keeps `value` from being structured-cloned, or `undefined` when
 * nothing does. Only called once cloning has failed: it clones every level
 * again on its way down one path, which is too slow for values that cross.
 * It walks without recursion, so a value of any depth is explained rather
 * than overflowing the stack.
 */
export function findCloneProblem(value: unknown, root: string): CloneProblem | undefined {
  const top = cloneFailure(value);
  if (top === undefined) return undefined;
  if (top !== "uncloneable") return problemAt(top, root, value);
  let path = root;
  let current = value;
  const seen = new Set<object>();
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    let next: readonly [string, unknown] | undefined;
    try {
      for (const [childPath, child] of children(current, path)) {
        const failure = cloneFailure(child);
        if (failure === undefined) continue;
        if (failure !== "uncloneable") return problemAt(failure, childPath, child);
        next = [childPath, child];
        break;
      }
    } catch (error) {
      // A getter read while listing the parts.
      return { kind: "throws", path, error };
    }
    if (next === undefined) break;
    [path, current] = next;
  }
  // None of its parts is to blame: the value itself cannot be cloned (a function, a WeakMap, a Promise, …).
  return { kind: "uncloneable", path, what: describeValue(current) };
}

type CloneFailure = "uncloneable" | "too-deep" | { readonly thrown: unknown };

function cloneFailure(value: unknown): CloneFailure | undefined {
  if (typeof value === "function" || typeof value === "symbol") return "uncloneable";
  if (typeof value !== "object" || value === null) return undefined;
  try {
    structuredClone(value);
    return undefined;
  } catch (error) {
    if (error instanceof Error && error.name === "DataCloneError") return "uncloneable";
    // V8 clones recursively: a value a few thousand levels deep exhausts the stack.
    if (error instanceof RangeError && /call stack/i.test(error.message)) return "too-deep";
    return { thrown: error };
  }
}

function problemAt(failure: "too-deep" | { readonly thrown: unknown }, path: string, value: unknown): CloneProblem {
  if (failure !== "too-deep") return { kind: "throws", path, error: failure.thrown };
  return {
    kind: "uncloneable",
    path,
    what: `${describeValue(value)} nested ${nestingDepth(value)} levels deep, deeper than structured cloning can go`,
  };
}

/** How many objects deep `value` goes, counted without recursion (each object once, parts that throw skipped). */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const seen = new Set<object>();
  const pending: (readonly [unknown, number])[] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [current, depth] = next;
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    deepest = Math.max(deepest, depth);
    seen.add(current);
    try {
      for (const [, child] of children(current, "")) pending.push([child, depth + 1]);
    } catch {
      // A part whose getter throws adds no depth.
    }
  }
  return deepest;
}

function* children(value: object, path: string): Generator<readonly [string, unknown]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield [`${path}[${i}]`, value[i]];
    return;
  }
  if (value instanceof Map) {
    let i = 0;
    for (const [key, entry] of value) {
      yield [`${path}.keys()[${i}]`, key];
      yield [`${path}.get(${describeKey(key)})`, entry];
      i++;
    }
    return;
  }
  if (value instanceof Set) {
    let i = 0;
    for (const entry of value) yield [`${path}.values()[${i++}]`, entry];
    return;
  }
  for (const key of Object.keys(value)) {
    const step = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    yield [`${path}${step}`, (value as Record<string, unknown>)[key]];
  }
}

function describeKey(key: unknown): string {
  return typeof key === "string" ? JSON.stringify(key) : typeof key === "number" ? String(key) : "…";
}

/** Whether `value` survives structured cloning. */
export function isCloneable(value: unknown): boolean {
  switch (typeof value) {
    case "function":
    case "symbol":
      return false;
    case "object":
      if (value === null) return true;
      try {
        structuredClone(value);
        return true;
      } catch {
        return false;
      }
    default:
      return true;
  }
}

function isErrorLike(value: unknown): value is Error {
  return (
    value instanceof Error ||
    (typeof value === "object" && value !== null && Object.prototype.toString.call(value) === "[object Error]")
  );
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}
