/**
 * Interrupting the synchronous part of a call at its timeout, for calls that
 * run in the calling thread: a timer cannot fire while a call spins, and the
 * thread cannot be terminated, so the call runs inside a `vm` script whose
 * `timeout` makes V8 stop it (node:vm `Script#runInThisContext`).
 *
 * What it covers: everything the call does before it first yields (the whole
 * of a synchronous method, and an async method up to its first `await`).
 * What it cannot: code that runs later in callbacks or after an `await` — a
 * loop there holds the thread, and only a method on a worker thread (a
 * parallel method on the `threads` backend) can then be stopped, by
 * terminating its thread. An interrupted call does not run its `finally`
 * blocks: whatever state it was changing is left half-changed.
 *
 * Each interruptible call starts a watchdog (Node runs one thread-side timer
 * per script run), so it is used only for methods that have a timeout.
 */
import { Script } from "node:vm";

/** Where the script finds the call; set only while the script runs (nested calls restore the outer one). */
const CALL = Symbol.for("flowc.interruptible-call");

type Slot = { [CALL]?: () => unknown };

const script = new Script(`globalThis[Symbol.for("flowc.interruptible-call")]()`, {
  filename: "flowc:interruptible-call",
});

/**
 * Calls `call`; if it is still running synchronously after `timeoutMs`, V8
 * stops it and `timedOut()` is thrown instead. Whatever `call` throws or
 * returns (a promise too) passes through unchanged.
 */
export function callInterruptibly(call: () => unknown, timeoutMs: number, timedOut: () => Error): unknown {
  const slot = globalThis as Slot;
  const outer = slot[CALL];
  slot[CALL] = call;
  try {
    // At least 1 ms: vm reads a timeout of 0 as none.
    return script.runInThisContext({ timeout: Math.max(1, Math.ceil(timeoutMs)), displayErrors: false });
  } catch (error) {
    if (isScriptTimeout(error)) throw timedOut();
    throw error;
  } finally {
    if (outer === undefined) delete slot[CALL];
    else slot[CALL] = outer;
  }
}

function isScriptTimeout(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT";
}
