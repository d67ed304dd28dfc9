/**
 * The run's output as `flowc run` prints it: JSON, indented by two spaces.
 *
 * JSON cannot hold everything a method may return. What it would fail on (a
 * `bigint`, a cycle, a `toJSON` or getter that throws) makes printing fail,
 * and the run with it; what it would silently leave out of an object or turn
 * into `null` in an array (functions, symbols, `undefined`, `NaN` and the
 * infinities, the entries of a `Map` or `Set`) is listed by path
 * (`output.rows[3].fn`) so that the loss is said. An output that is
 * `undefined` as a whole (a last method that returns nothing) prints `null`.
 */
import { describeValue } from "../../stdlib/errors.js";

/** A part of the output JSON could not hold. */
export interface LostValue {
  /** Where, from `output`: `output.rows[3].fn`. */
  readonly path: string;
  /** What it was and what became of it: `a function, left out`. */
  readonly what: string;
}

export interface PrintedOutput {
  readonly text: string;
  readonly lost: readonly LostValue[];
}

/** Printing failed; the message says why (and where, when it is known). */
export class OutputNotPrintable extends Error {
  override readonly name = "OutputNotPrintable";
}

export function outputJson(output: unknown): PrintedOutput {
  const lost: LostValue[] = [];
  // The path of each object being printed, for its members' paths.
  const paths = new WeakMap<object, string>();
  const replacer = function (this: unknown, key: string, value: unknown): unknown {
    const holder = this as object;
    const parent = paths.get(holder);
    const path = parent === undefined ? "output" : `${parent}${step(holder, key)}`;
    const inArray = Array.isArray(holder);
    switch (typeof value) {
      case "bigint":
        throw new OutputNotPrintable(`${path} is a bigint (${value}n), which JSON cannot hold`);
      case "function":
      case "symbol":
      case "undefined":
        // A whole output of `undefined` is a last method that returns nothing: `null` says that.
        if (parent !== undefined || value !== undefined) {
          lost.push({
            path,
            what: `${describeValue(value)}, ${parent === undefined ? "printed as null" : fate(inArray)}`,
          });
        }
        return value;
      case "number":
        if (!Number.isFinite(value)) lost.push({ path, what: `${String(value)}, printed as null` });
        return value;
      case "object":
        if (value === null) return value;
        if ((value instanceof Map || value instanceof Set) && value.size > 0) {
          lost.push({ path, what: `${describeValue(value)} of ${value.size}, printed as {}` });
        }
        paths.set(value, path);
        return value;
      default:
        return value;
    }
  };
  let text: string | undefined;
  try {
    text = JSON.stringify(output, replacer, 2);
  } catch (error) {
    if (error instanceof OutputNotPrintable) throw error;
    // A cycle, a value nested too deep, or a `toJSON` or getter of the output that threw.
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new OutputNotPrintable(why.replace(/\s*\n\s*/g, " "), { cause: error });
  }
  return { text: text ?? "null", lost };
}

function step(holder: object, key: string): string {
  if (Array.isArray(holder)) return `[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function fate(inArray: boolean): string {
  return inArray ? "printed as null" : "left out";
}
