/**
 * A call's journal key: sha256 of the method's identity (module and export),
 * the hash of its code the compiler embedded in the plan, and the call's input
 * as canonical-input.ts writes it. Not the whole plan: editing one method
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
import { canonicalInput } from "./canonical-input.js";

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
    const bytes = canonicalInput(input);
    if (bytes === undefined) return undefined;
    hash.update(bytes);
  }
  return hash.digest("hex");
}
