/**
 * Whether a value survives a store's serialisation as it is. A journal that
 * hands a resumed run something else than the call returned would be a
 * silently wrong result, so a value is checked before it is stored: what the
 * serialisation refuses (a function, a symbol) and what it would quietly
 * change (a class instance loses its prototype; JSON turns `NaN` into `null`,
 * a `Date` into a string, a `Map` into `{}`). JSON cannot write `undefined`
 * either; its places are kept beside the value (as the bullmq backend keeps
 * them beside a payload) and put back when it is read.
 *
 * Walks with a stack of its own, never recursion, and visits each object
 * once (structured cloning keeps shared and cyclic references; JSON refuses
 * cycles when it writes).
 */
import { describeValue } from "../errors.js";
import { MAX_DEPTH, MAX_HOLE_DEPTH, pathOf, type Hole, type Step } from "../backends/bullmq/payload.js";

/** What a value must survive: structured cloning (`v8.serialize`) or JSON. */
export type Encoding = "clone" | "json";

/** Prototypes whose objects structured cloning gives back with the same prototype. */
const CLONED_PROTOTYPES: ReadonlySet<unknown> = new Set<unknown>([
  Object.prototype,
  null,
  Array.prototype,
  Map.prototype,
  Set.prototype,
  Date.prototype,
  RegExp.prototype,
  ArrayBuffer.prototype,
  DataView.prototype,
  Boolean.prototype,
  Number.prototype,
  String.prototype,
  BigInt.prototype,
  Buffer.prototype,
  ...[Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array].map(
    (type) => type.prototype,
  ),
  ...[Float32Array, Float64Array, BigInt64Array, BigUint64Array].map((type) => type.prototype),
]);

/** Error prototypes cloning keeps: the built-in ones (a subclass comes back as its base). */
const ERROR_PROTOTYPES: ReadonlySet<unknown> = new Set<unknown>(
  [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError].map((type) => type.prototype),
);

/** The members of an error that cloning keeps; any other own member is lost. */
const ERROR_MEMBERS: ReadonlySet<string> = new Set(["message", "stack", "cause"]);

/** Objects without members to walk: their contents clone as they are. */
const LEAF_PROTOTYPES: ReadonlySet<unknown> = new Set<unknown>(
  [...CLONED_PROTOTYPES].filter(
    (prototype) => prototype !== Object.prototype && prototype !== null && prototype !== Array.prototype,
  ),
);

/**
 * Why `value` cannot be stored with `encoding` as it is (`$.orders[3].total
 * is NaN, which JSON writes as null`), or `undefined` when it can. For JSON,
 * `holes` receives the places that hold `undefined`, as the bullmq backend
 * spells them for a list of one value (`0` for the value itself).
 */
export function unstorable(value: unknown, encoding: Encoding, holes: Hole[] = []): string | undefined {
  const root: Step = { value: {}, depth: 0, parent: undefined, key: undefined };
  const problem = checkMember(value, root, encoding, holes);
  if (problem !== undefined || typeof value !== "object" || value === null) return problem;
  const seen = new Set<object>([value]);
  const stack: Step[] = [{ value, depth: 1, parent: undefined, key: undefined }];
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    if (step.depth > MAX_DEPTH) return `${pathOf(step)} nests deeper than ${MAX_DEPTH} levels`;
    const parent = step;
    const visit = (key: string | number, member: unknown): string | undefined => {
      // Strings, booleans and null need no look: most members of most outputs.
      if (typeof member === "string" || typeof member === "boolean" || member === null) return undefined;
      if (typeof member === "number" && Number.isFinite(member)) return undefined;
      const at: Step = { value: parent.value, depth: parent.depth, parent, key };
      const memberProblem = checkMember(member, at, encoding, holes);
      if (memberProblem === undefined && typeof member === "object" && member !== null && !seen.has(member)) {
        seen.add(member);
        stack.push({ value: member, depth: parent.depth + 1, parent, key });
      }
      return memberProblem;
    };
    const memberProblem = eachMember(step.value, visit);
    if (memberProblem !== undefined) return memberProblem;
  }
  return undefined;
}

/** What is wrong with one value at `at` (its own kind, not its members'), if anything. */
function checkMember(value: unknown, at: Step, encoding: Encoding, holes: Hole[]): string | undefined {
  const where = (): string => pathOf(at);
  switch (typeof value) {
    case "function":
    case "symbol":
      return `${where()} is ${describeValue(value)}`;
    case "bigint":
      return encoding === "json" ? `${where()} is a bigint, which JSON cannot write` : undefined;
    case "number":
      // -0 is written as 0, which it equals: accepted.
      return encoding === "json" && !Number.isFinite(value)
        ? `${where()} is ${String(value)}, which JSON writes as null`
        : undefined;
    case "undefined":
      if (encoding === "json") {
        const keys = keysOf(at);
        if (keys.length > MAX_HOLE_DEPTH) return `${where()} is undefined deeper than ${MAX_HOLE_DEPTH} levels`;
        holes.push(keys.length === 0 ? 0 : [0, ...keys]);
      }
      return undefined;
    case "object":
      return value === null ? undefined : checkObject(value, at, encoding);
    default:
      return undefined;
  }
}

function checkObject(value: object, at: Step, encoding: Encoding): string | undefined {
  const prototype: unknown = Object.getPrototypeOf(value);
  const plain = prototype === Object.prototype || prototype === null || prototype === Array.prototype;
  if (encoding === "json") {
    if (!plain) return `${pathOf(at)} is ${describeValue(value)}, which JSON does not write as it is`;
    const gadget = gadgetKey(value);
    if (gadget !== undefined) {
      return `${pathOf(at)} has the key '${gadget}', which could pollute object prototypes when read`;
    }
  } else if (ERROR_PROTOTYPES.has(prototype)) {
    const lost = Object.keys(value).find((key) => !ERROR_MEMBERS.has(key));
    if (lost !== undefined) return `${pathOf(at)} is an error whose member '${lost}' cloning would lose`;
  } else if (!CLONED_PROTOTYPES.has(prototype)) {
    return `${pathOf(at)} is ${describeValue(value)}, whose class cloning would lose`;
  }
  if (Object.getOwnPropertySymbols(value).length > 0) return `${pathOf(at)} has symbol keys, which are not stored`;
  return undefined;
}

/** The key that the bullmq payload reader refuses as a prototype-pollution gadget, if `value` has one. */
function gadgetKey(value: object): string | undefined {
  if (Object.hasOwn(value, "__proto__")) return "__proto__";
  for (const key of ["constructor", "prototype"]) {
    const member: unknown = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    if (typeof member === "object" && member !== null) return key;
  }
  return undefined;
}

/** Calls `visit` on each member to walk below an object (elements, entries, own enumerable properties) until one answers. */
function eachMember(
  value: object,
  visit: (key: string | number, member: unknown) => string | undefined,
): string | undefined {
  let problem: string | undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && problem === undefined; i++) problem = visit(i, value[i]);
    return problem;
  }
  if (value instanceof Map) {
    let i = 0;
    for (const [key, member] of value) {
      problem = visit(`<key ${i}>`, key) ?? visit(`<value ${i}>`, member);
      if (problem !== undefined) return problem;
      i++;
    }
    return undefined;
  }
  if (value instanceof Set) {
    let i = 0;
    for (const member of value) {
      problem = visit(`<member ${i++}>`, member);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (LEAF_PROTOTYPES.has(prototype)) return undefined;
  // An error's cause is its own member, but not an enumerable one.
  if (ERROR_PROTOTYPES.has(prototype)) {
    return Object.hasOwn(value, "cause") ? visit("cause", (value as Error).cause) : undefined;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    problem = visit(key, (value as Record<string, unknown>)[key]);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** The keys from the value's root to `at`. */
function keysOf(at: Step): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let step: Step | undefined = at; step?.key !== undefined; step = step.parent) keys.push(step.key);
  return keys.reverse();
}
