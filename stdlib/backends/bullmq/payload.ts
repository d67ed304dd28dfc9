/**
 * Payload checks of the bullmq backend, apart from the wire format: what a
 * value must be to travel as JSON between a caller and its workers, and how
 * it is read back without trusting the writer. Values travel as JSON text
 * (never as code), and decoding refuses the keys that turn a later object
 * merge into prototype pollution (see {@link decodeJson}). A value refused
 * here is a `PayloadError` (`FLOW_BAD_PAYLOAD`).
 */
import { describe, errors } from "../../errors.js";

/**
 * Where a value holds `undefined`, which JSON drops from objects and writes as `null` in
 * arrays: an index of `values`, or, below one (`deep`), a path from it — `[0, "total"]`
 * for the member `total` of the first value, present with `undefined` as its value,
 * `[0, 3]` for the fourth element of an array. Sent beside the values, so that they
 * arrive as they left. Items and outputs go with their indices only (their types were
 * proven to survive JSON); the input of a single call is looked into, since the runtime
 * assembles it: an object of inputs holding a skipped method's `undefined`, an array of
 * items with `undefined` where an item was skipped.
 */
export type Hole = number | readonly (string | number)[];

export function holesOf(values: readonly unknown[]): number[] {
  const holes: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] === undefined) holes.push(i);
  return holes;
}

/** {@link holesOf}, and the places below each value that hold `undefined`. */
export function holesWithin(values: readonly unknown[]): Hole[] {
  const holes: Hole[] = [];
  for (let i = 0; i < values.length; i++) {
    if (values[i] === undefined) holes.push(i);
    else findHoles(values[i], [i], holes, 0);
  }
  return holes;
}

/** Deeper than JSON values of a run usually go; below it `undefined` is written as JSON writes it. */
export const MAX_HOLE_DEPTH = 32;

function findHoles(value: unknown, path: (string | number)[], holes: Hole[], depth: number): void {
  if (typeof value !== "object" || value === null || depth >= MAX_HOLE_DEPTH) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      if (element === undefined) holes.push([...path, i]);
      else findHoles(element, [...path, i], holes, depth + 1);
    }
    return;
  }
  // Plain data only: anything else goes as `toJSON` or JSON makes it, which the compiler judged.
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return;
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) holes.push([...path, key]);
    else findHoles(member, [...path, key], holes, depth + 1);
  }
}

/** Values as they arrived (already decoded and checked), with their `undefined` ones put back. */
export function restoreHoles(values: unknown, holes: readonly unknown[], count?: number): unknown[] {
  if (!Array.isArray(values) || (count !== undefined && values.length !== count)) {
    throw errors.badPayload(`expected an array of ${count ?? "any number of"} values`);
  }
  for (const hole of holes) {
    if (typeof hole === "number" && Number.isInteger(hole) && hole >= 0 && hole < values.length) {
      values[hole] = undefined;
    } else if (!Array.isArray(hole) || !restorePath(values, hole)) {
      throw errors.badPayload("an undefined value's place is out of range");
    }
  }
  return values as unknown[];
}

/** Puts `undefined` at `path` in `values`: every step but the last must exist, the last be in range. */
function restorePath(values: unknown[], path: readonly unknown[]): boolean {
  if (path.length < 2 || path.length > MAX_HOLE_DEPTH + 2) return false;
  let at: unknown = values;
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    const last = i === path.length - 1;
    if (Array.isArray(at)) {
      if (typeof step !== "number" || !Number.isInteger(step) || step < 0 || step >= at.length) return false;
      if (last) at[step] = undefined;
      else at = at[step];
    } else if (typeof at === "object" && at !== null) {
      if (typeof step !== "string" || step === "__proto__" || step === "constructor" || step === "prototype") {
        return false;
      }
      if (last)
        Object.defineProperty(at, step, { value: undefined, enumerable: true, writable: true, configurable: true });
      else if (Object.hasOwn(at, step)) at = (at as Record<string, unknown>)[step];
      else return false;
    } else {
      return false;
    }
  }
  return true;
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
export interface Step {
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
export function pathOf(step: Step): string {
  const keys: (string | number)[] = [];
  for (let at: Step | undefined = step; at?.key !== undefined; at = at.parent) keys.push(at.key);
  keys.reverse();
  const segment = (key: string | number): string => (typeof key === "number" ? `[${key}]` : `.${key}`);
  if (keys.length <= 2 * PATH_ENDS) return `$${keys.map(segment).join("")}`;
  const head = keys.slice(0, PATH_ENDS).map(segment).join("");
  const tail = keys.slice(-PATH_ENDS).map(segment).join("");
  return `$${head}…(${keys.length - 2 * PATH_ENDS} levels)…${tail}`;
}
