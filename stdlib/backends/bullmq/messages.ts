/**
 * Everything that crosses Redis between a caller and its workers, in one
 * place: the data of a shard job, the replies workers stream back, how
 * values and errors are written as JSON, and how they are read back without
 * trusting the writer.
 *
 * Values travel as JSON text inside these messages (never as code), and
 * decoding refuses the keys that turn a later object merge into prototype
 * pollution (see {@link decodeJson}).
 */
import { describe, ErrorCode, errors, MethodTimeoutError, NonRetryableError } from "../../errors.js";

/** Format of job data and replies; a worker refuses any other. */
export const WIRE_VERSION = 2;

/**
 * The data of one shard job as it travels: a run's call of one method on
 * consecutive items. Kept small, since every job carries it through Redis
 * twice: what a worker can tell by itself (the method, from the queue; the
 * call, from the run and the method) is left out.
 */
export interface ShardJobWire {
  readonly v: typeof WIRE_VERSION;
  /** The run's id, as the scheduler names it (for cancellation, and the call's id). */
  readonly run: string;
  /** The caller session whose reply stream gets the results: `<caller's process token>.<n>`. */
  readonly session: string;
  readonly shard: number;
  /**
   * A random token of this shard's job, which every reply about the shard
   * carries back: the caller takes no reply without it, so a client that can
   * write to the reply stream, but has not read the job, cannot answer for it.
   */
  readonly token: string;
  /** Index of the shard's first item in the stage; 0 for a single call. */
  readonly first: number;
  /** A single call (its context has no item) rather than items of a parallel stage. */
  readonly single: boolean;
  /** The inputs, one per item (for a single call, one or none, when the method takes no input). */
  readonly input: readonly unknown[];
  /** Indices of inputs that are `undefined`, which JSON cannot hold; absent when none is. */
  readonly holes?: readonly number[] | undefined;
  /** Whether anybody listens: only then do workers send start and retry replies. */
  readonly events: boolean;
  /** The caller's retry delays; absent when the method has no retries. */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number } | undefined;
  /**
   * Items (indices within the shard) whose outputs an earlier attempt already
   * sent to the caller in a `part` reply; written by the worker before a retry.
   * Only indices travel, never values: a worker returns nothing but what its
   * own calls produced, so a job altered in Redis cannot put values in its mouth.
   */
  readonly delivered?: readonly number[] | undefined;
}

/** A shard job as a worker reads it: the wire data with what the worker knows filled in. */
export interface ShardJobData extends ShardJobWire {
  readonly holes: readonly number[];
  readonly backoff: { readonly baseMs: number; readonly maxMs: number };
  /** Id of the call (one method in one run); the call's Redis key is derived from it. */
  readonly call: string;
  /** The caller's process token: a worker in that same process hands errors over by reference. */
  readonly origin: string;
}

/** An error as JSON: enough to rebuild it with its name, message, code and own data. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string | undefined;
  readonly stack?: string | undefined;
  /** Own enumerable properties that are plain JSON (e.g. `status`, `method`). */
  readonly props?: Readonly<Record<string, unknown>> | undefined;
  readonly cause?: WireError | undefined;
  /** Set when the error object itself waits in the receiving process (same-process hand-over). */
  readonly handle?: string | undefined;
}

/** What a worker streams back to the caller that submitted a job. */
export type Reply =
  | {
      readonly t: "start";
      readonly call: string;
      readonly shard: number;
      readonly token: string;
      readonly worker: string;
    }
  | {
      readonly t: "retry";
      readonly call: string;
      readonly shard: number;
      readonly token: string;
      readonly item: number | null;
      readonly attempt: number;
      readonly delayMs: number;
      readonly error: WireError;
    }
  | {
      /** Outputs of the items an attempt completed before it failed (or was handed back): the rest follow later. */
      readonly t: "part";
      readonly call: string;
      readonly shard: number;
      readonly token: string;
      readonly worker: string;
      /** Indices within the shard, ascending, one per value. */
      readonly items: readonly number[];
      readonly values: readonly unknown[];
      readonly holes: readonly number[];
    }
  | {
      readonly t: "done";
      readonly call: string;
      readonly shard: number;
      readonly token: string;
      readonly worker: string;
      /** Indices within the shard of the values, when not every item (some came in `part` replies). */
      readonly items?: readonly number[] | undefined;
      /** The outputs, in item order. */
      readonly values: readonly unknown[];
      readonly holes: readonly number[];
      /** Milliseconds per item, in item order; only when somebody listens. */
      readonly durations: readonly number[] | null;
    }
  | {
      readonly t: "fail";
      readonly call: string;
      readonly shard: number;
      readonly token: string;
      readonly worker: string;
      readonly item: number | null;
      readonly attempts: number;
      readonly error: WireError;
    };

/** What a shard's token looks like (callers make them with `randomUUID`). */
export const TOKEN_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

export { PayloadError } from "../../errors.js";

/** Indices of the `undefined` values, which JSON writes as `null`; sent beside the values. */
export function holesOf(values: readonly unknown[]): number[] {
  const holes: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] === undefined) holes.push(i);
  return holes;
}

/** Values as they arrived (already decoded and checked), with their `undefined` ones put back. */
export function restoreHoles(values: unknown, holes: readonly unknown[], count?: number): unknown[] {
  if (!Array.isArray(values) || (count !== undefined && values.length !== count)) {
    throw errors.badPayload(`expected an array of ${count ?? "any number of"} values`);
  }
  for (const hole of holes) {
    if (typeof hole !== "number" || !Number.isInteger(hole) || hole < 0 || hole >= values.length) {
      throw errors.badPayload("an undefined value's index is out of range");
    }
    values[hole] = undefined;
  }
  return values as unknown[];
}

/**
 * Keys that a generic deep merge follows into `Object.prototype`: `__proto__`
 * itself, and `constructor.prototype`. JSON.parse makes them plain own
 * properties, harmless until a method merges the value into another object.
 * A `constructor` or `prototype` key holding a primitive is plain data (a
 * word count may well count "constructor"), so only object values are refused.
 */
const GADGET = /__proto__|constructor|prototype|\\u/;

/**
 * JSON.parse that refuses prototype-pollution gadgets: a `__proto__` key
 * anywhere, or a `constructor`/`prototype` key whose value is an object.
 * Text that cannot spell those names (not even through `\u` escapes) is
 * parsed without walking the result.
 */
export function decodeJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw errors.badPayload(`not valid JSON (${describe(error)})`);
  }
  if (GADGET.test(text)) checkPayload(value, Infinity);
  return value;
}

/**
 * The deepest nesting of a value the backend carries. JSON.stringify and
 * structured cloning recurse, and overflow the stack a few thousand levels
 * down (how far depends on the stack left); a fixed bound, well short of
 * that, refuses the same values wherever they are checked.
 */
export const MAX_DEPTH = 1000;

/** One object on the way down a value: where it sits, for the path in a message. */
interface Step {
  readonly value: object;
  readonly depth: number;
  readonly parent: Step | undefined;
  readonly key: string | number | undefined;
}

/**
 * Throws a {@link PayloadError} for the first gadget key in `value` (see
 * {@link decodeJson}), or for nesting deeper than `maxDepth` levels, naming
 * where. Walks with a stack of its own, never recursion, so no depth
 * overflows it.
 */
export function checkPayload(value: unknown, maxDepth = MAX_DEPTH): void {
  // Only objects can hold keys, so primitives are never stacked: most payloads are long arrays of plain values.
  if (typeof value !== "object" || value === null) return;
  const stack: Step[] = [{ value, depth: 1, parent: undefined, key: undefined }];
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    if (step.depth > maxDepth) {
      throw errors.badPayload(
        `it nests deeper than ${maxDepth} levels (at ${pathOf(step)}), the most the bullmq backend carries`,
      );
    }
    const current = step.value;
    const depth = step.depth + 1;
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) {
        const element: unknown = current[i];
        if (typeof element === "object" && element !== null)
          stack.push({ value: element, depth, parent: step, key: i });
      }
      continue;
    }
    for (const key of Object.keys(current)) {
      const child = (current as Record<string, unknown>)[key];
      const isObject = typeof child === "object" && child !== null;
      if (key === "__proto__" || ((key === "constructor" || key === "prototype") && isObject)) {
        const at = pathOf({ value: current, depth, parent: step, key });
        throw errors.badPayload(`it holds the key '${key}' at ${at}, which could pollute object prototypes`);
      }
      if (isObject) stack.push({ value: child, depth, parent: step, key });
    }
  }
}

/** Segments of a path shown at each end; the levels between are counted, not spelt. */
const PATH_ENDS = 6;

/** `$.orders[3].lines` for a step, built by following parents (never recursively). */
function pathOf(step: Step): string {
  const keys: (string | number)[] = [];
  for (let at: Step | undefined = step; at?.key !== undefined; at = at.parent) keys.push(at.key);
  keys.reverse();
  const segment = (key: string | number): string => (typeof key === "number" ? `[${key}]` : `.${key}`);
  if (keys.length <= 2 * PATH_ENDS) return `$${keys.map(segment).join("")}`;
  const head = keys.slice(0, PATH_ENDS).map(segment).join("");
  const tail = keys.slice(-PATH_ENDS).map(segment).join("");
  return `$${head}…(${keys.length - 2 * PATH_ENDS} levels)…${tail}`;
}

/** Retry delays of a job that carries none (its method has no retries, so they are never used). */
const NO_BACKOFF = { baseMs: 0, maxMs: 0 };

/**
 * Job data as BullMQ hands it over, checked field by field (a worker runs
 * nothing from a job that fails here), with the call id `callOf` gives for
 * its run.
 */
export function readJobData(data: unknown, callOf: (run: string) => string): ShardJobData {
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw errors.badPayload("job data is not an object");
  // The inputs sit two levels down (data, its input array): each may nest MAX_DEPTH levels itself.
  checkPayload(data, MAX_DEPTH + 2);
  const d = data as Record<string, unknown>;
  if (d["v"] !== WIRE_VERSION)
    throw errors.badPayload(`job data has format ${String(d["v"])}, expected ${WIRE_VERSION}`);
  const text = (key: string): string => {
    const value = d[key];
    if (typeof value !== "string") throw errors.badPayload(`job data lacks the string '${key}'`);
    return value;
  };
  const count = (key: string): number => {
    const value = d[key];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
      throw errors.badPayload(`job data lacks the non-negative integer '${key}'`);
    }
    return value;
  };
  const flag = (key: string): boolean => {
    const value = d[key];
    if (typeof value !== "boolean") throw errors.badPayload(`job data lacks the boolean '${key}'`);
    return value;
  };
  const list = (key: string, absent?: unknown[]): unknown[] => {
    const value = d[key] ?? absent;
    if (!Array.isArray(value)) throw errors.badPayload(`job data lacks the array '${key}'`);
    return value;
  };
  let backoff = NO_BACKOFF;
  if (d["backoff"] !== undefined) {
    const b = d["backoff"] as Record<string, unknown> | null;
    const baseMs = b?.["baseMs"];
    const maxMs = b?.["maxMs"];
    if (
      typeof baseMs !== "number" ||
      typeof maxMs !== "number" ||
      !(baseMs >= 0) ||
      !(maxMs >= baseMs) ||
      maxMs > 3_600_000
    ) {
      throw errors.badPayload("job data has no valid 'backoff'");
    }
    backoff = { baseMs, maxMs };
  }
  const delivered = d["delivered"];
  if (delivered !== undefined && !isIndexList(delivered))
    throw errors.badPayload("job data has a malformed 'delivered' (indices of items, ascending)");
  const run = text("run");
  const session = text("session");
  const token = text("token");
  if (!TOKEN_PATTERN.test(token)) throw errors.badPayload("job data has a malformed 'token'");
  return {
    v: WIRE_VERSION,
    run,
    session,
    shard: count("shard"),
    token,
    first: count("first"),
    single: flag("single"),
    input: list("input"),
    holes: list("holes", []) as number[],
    events: flag("events"),
    backoff,
    delivered,
    call: callOf(run),
    origin: session.slice(0, Math.max(0, session.lastIndexOf("."))),
  };
}

/** A reply read from the stream, checked enough to be dispatched; `undefined` when malformed. */
export function readReply(text: string): Reply | undefined {
  let value: unknown;
  try {
    value = decodeJson(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const r = value as Record<string, unknown>;
  if (typeof r["call"] !== "string" || typeof r["shard"] !== "number" || typeof r["token"] !== "string")
    return undefined;
  switch (r["t"]) {
    case "start":
      return typeof r["worker"] === "string" ? (value as Reply) : undefined;
    case "retry":
      return typeof r["attempt"] === "number" && typeof r["delayMs"] === "number" && isWireError(r["error"])
        ? (value as Reply)
        : undefined;
    case "part":
      return typeof r["worker"] === "string" &&
        isIndexList(r["items"]) &&
        Array.isArray(r["values"]) &&
        Array.isArray(r["holes"])
        ? (value as Reply)
        : undefined;
    case "done":
      return typeof r["worker"] === "string" &&
        (r["items"] === undefined || isIndexList(r["items"])) &&
        Array.isArray(r["values"]) &&
        Array.isArray(r["holes"])
        ? (value as Reply)
        : undefined;
    case "fail":
      return typeof r["attempts"] === "number" && isWireError(r["error"]) ? (value as Reply) : undefined;
    default:
      return undefined;
  }
}

/** Whether `value` is a list of distinct non-negative integers in ascending order. */
export function isIndexList(value: unknown): value is readonly number[] {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const index: unknown = value[i];
    if (typeof index !== "number" || !Number.isSafeInteger(index) || index < 0) return false;
    if (i > 0 && index <= (value[i - 1] as number)) return false;
  }
  return true;
}

function isWireError(value: unknown): value is WireError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as WireError).name === "string" &&
    typeof (value as WireError).message === "string"
  );
}

/** Causes followed when writing an error, so that a cyclic chain still ends. */
const MAX_CAUSES = 4;

/** An error (or any thrown value) as JSON. */
export function toWireError(error: unknown, depth = 0): WireError {
  if (!(error instanceof Error)) {
    return {
      name: "Error",
      message: describe(error),
      props: plainProps({ value: error }),
    };
  }
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key !== "cause" && key !== "name" && key !== "message" && key !== "stack") {
      own[key] = (error as unknown as Record<string, unknown>)[key];
    }
  }
  // MethodTimeoutError keeps these on its instance; they are what the caller rebuilds it from.
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: unknown }).cause;
  return {
    name: error.name,
    message: error.message,
    code: typeof code === "string" ? code : undefined,
    stack: error.stack,
    props: plainProps(own),
    cause: cause === undefined || depth >= MAX_CAUSES ? undefined : toWireError(cause, depth + 1),
  };
}

/** The properties that survive JSON unchanged; anything else (functions, cycles, big ints) is left out. */
function plainProps(props: Record<string, unknown>): Record<string, unknown> | undefined {
  const kept: Record<string, unknown> = {};
  let any = false;
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    try {
      const text = JSON.stringify(value);
      if (text === undefined) continue;
      const back = JSON.parse(text) as unknown;
      checkPayload({ [key]: back });
      kept[key] = back;
      any = true;
    } catch {
      // Not plain data: the error reads the same without it.
    }
  }
  return any ? kept : undefined;
}

/**
 * The error a {@link WireError} describes, as close to the original as JSON
 * allows: the runtime's own errors come back as their classes, others as an
 * `Error` with the original name, message, code, stack and plain properties.
 */
export function fromWireError(wire: WireError, depth = 0): Error {
  const props = wire.props ?? {};
  let error: Error;
  if (wire.code === ErrorCode.MethodTimeout) {
    const item = props["item"];
    error = new MethodTimeoutError(
      String(props["method"] ?? ""),
      typeof item === "number" ? item : undefined,
      Number(props["timeoutMs"] ?? 0),
    );
  } else if (wire.code === ErrorCode.NonRetryable) {
    error = new NonRetryableError(wire.message);
  } else {
    // Not the runtime's own: a method's error rebuilt as it was thrown, not one the runtime makes.
    error = new Error(wire.message);
    if (wire.name !== "Error")
      Object.defineProperty(error, "name", {
        value: wire.name,
        configurable: true,
        writable: true,
      });
    for (const [key, value] of Object.entries(props)) {
      if (key === "__proto__" || key === "constructor" || key === "prototype") continue;
      Object.defineProperty(error, key, {
        value,
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    if (wire.code !== undefined && !("code" in props)) {
      Object.defineProperty(error, "code", {
        value: wire.code,
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
  }
  if (wire.stack !== undefined) error.stack = wire.stack;
  // A chain longer than any writer sends (a forged one) is cut where toWireError would have cut it.
  if (isWireError(wire.cause) && depth < MAX_CAUSES) {
    Object.defineProperty(error, "cause", {
      value: fromWireError(wire.cause, depth + 1),
      configurable: true,
      writable: true,
    });
  }
  return error;
}
