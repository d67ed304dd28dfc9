/**
 * A call's journal key: sha256 of the method's identity (module and export),
 * the hash of its code the compiler embedded in the plan, and the call's input:
 * as JSON when JSON writes all of it (plain data, most inputs), else as
 * canonical-input.ts writes it, each tagged apart. Not the whole plan: editing one method
 * changes the keys of its own calls only, and then of whatever its changed
 * output reaches.
 *
 * A key is made only for inputs whose encoding says everything the method can
 * see of them: plain data, arrays and the built-ins structured clone keeps
 * (dates, maps, sets, regular expressions, buffers, errors). An object of a
 * class of its own is cloned as a plain object, so two different classes with
 * the same fields would share a key; such inputs get none, and their calls are
 * neither stored nor reused.
 */
import { createHash } from "node:crypto";
import type { PlanMethod } from "../plan.js";
import { canonicalInput, MAX_DEPTH } from "./canonical-input.js";

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
    if (jsonPlain(input, 0)) {
      // Most inputs: JSON writes all a method can see of them, one way, several times faster.
      hash.update("j").update(JSON.stringify(input));
    } else {
      const bytes = canonicalInput(input);
      if (bytes === undefined) return undefined;
      hash.update("c").update(bytes);
    }
  }
  return hash.digest("hex");
}

/**
 * Whether JSON writes all of `value` that a method can see, whatever the engine's
 * representation: strings, booleans, `null`, finite numbers but `-0`, and arrays
 * without holes and plain objects of those (no `undefined` anywhere, which JSON
 * drops or writes as `null`).
 */
function jsonPlain(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || !jsonPlain(value[i], depth + 1)) return false;
    }
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (!jsonPlain((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}
