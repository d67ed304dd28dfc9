/**
 * Causes of failure particular to running methods on worker threads. A run
 * that fails for one of them still rejects with a `MethodError` (naming the
 * method and the item); these are its `cause`.
 */
import { describe, ErrorCode } from "../../errors.js";

/** The worker threads running some items died (exit, uncaught error, out of memory) too many times. */
export class WorkerCrashError extends Error {
  override readonly name: string = "WorkerCrashError";
  readonly code = ErrorCode.WorkerCrashed;
  /** The first item the threads were running when they died. */
  readonly item: number;
  /** How many consecutive items were suspect: 1 when the thread is known to have died on `item`. */
  readonly count: number;
  /** How many threads died on them. */
  readonly crashes: number;

  constructor(item: number, count: number, crashes: number, cause: unknown) {
    const times = crashes === 1 ? "once" : `${crashes} times`;
    const what = count === 1 ? "it" : `items ${item}–${item + count - 1}`;
    super(`its worker thread died ${times} while running ${what} (last: ${describe(cause)})`, { cause });
    this.item = item;
    this.count = count;
    this.crashes = crashes;
  }
}

/** An input or output of a call cannot be structured-cloned, so it cannot cross to or from a worker thread. */
export class NotCloneableError extends Error {
  // The platform's name for this failure (a `DOMException` of `postMessage`).
  override readonly name: string = "DataCloneError";
  readonly code = ErrorCode.NotCloneable;
  /** Where the value sits, e.g. `items[3].callback` or `outputs[3].handle`. */
  readonly path: string;
  /** What it is, e.g. `a function`. */
  readonly what: string;

  constructor(path: string, what: string, direction: "to" | "from") {
    super(
      `${path} is ${what}, which cannot be ${direction === "to" ? "sent to" : "returned from"} a worker thread ` +
        "(values that cross threads must be structured-cloneable)",
    );
    this.path = path;
    this.what = what;
  }
}
