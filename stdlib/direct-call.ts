/**
 * The inline backend's private fast path, kept out of the `Backend` contract
 * that every backend implements: a bound method of the inline backend may
 * carry a direct call, which calls the method once in this thread with a
 * fresh context (attempt 1, a signal that never aborts), no retry, no
 * timeout, errors thrown as they are. The scheduler uses it for plain chains
 * of methods when nobody listens and nothing can cancel. Only inline.ts
 * (which sets it) and scheduler.ts (which reads it) import this module.
 */
import type { BackendMethod } from "./api.js";

/** Calls the method once, as described above. */
export type DirectCall = (input: unknown) => unknown;

const directCalls = new WeakMap<BackendMethod, DirectCall>();

/** Gives `method` (a bound method of the inline backend) its direct call. */
export function setDirectCall(method: BackendMethod, call: DirectCall): void {
  directCalls.set(method, call);
}

/** The direct call of `method`, when it has one. */
export function directCallOf(method: BackendMethod): DirectCall | undefined {
  return directCalls.get(method);
}
