/**
 * The inline backend's private fast path, kept out of the `Backend` contract
 * that every backend implements: a bound method of the inline backend may
 * carry its function, which the scheduler then calls itself, once, in this
 * thread: no retry, no timeout, errors as the method threw them. It does so
 * when nobody listens, for plain chains (the straight-line path,
 * straight-line.ts) and for the single methods without retry or timeout of
 * other plans. Only inline.ts (which sets it), scheduler.ts and
 * straight-line.ts (which call it) import this module.
 */
import type { BackendMethod, RunContext } from "./api.js";

/** A method as the scheduler calls it itself. */
export interface DirectMethod {
  /** The method's name in the manifest. */
  readonly name: string;
  /** The user's function: called with its input and a context, or with nothing when it takes no input. */
  readonly fn: (input?: unknown, context?: RunContext) => unknown;
  /** Whether the method declares an input parameter (and so may read a context after it). */
  readonly takesInput: boolean;
}

const directMethods = new WeakMap<BackendMethod, DirectMethod>();

/** Gives `method` (a bound method of the inline backend) its direct call. */
export function setDirectMethod(method: BackendMethod, direct: DirectMethod): void {
  directMethods.set(method, direct);
}

/** The direct call of `method`, when it has one. */
export function directMethodOf(method: BackendMethod): DirectMethod | undefined {
  return directMethods.get(method);
}
