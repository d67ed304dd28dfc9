/**
 * The entry of a worker thread of `CallThreads` (./call-threads.ts): it
 * imports the methods it is given, then runs one call at a time on request
 * and answers with its output or error. A call that never yields holds this
 * thread only; the worker process terminates the thread and starts another.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { RunContext } from "../../api.js";
import { CallContext, LazyAbort } from "../../context.js";
import { describe, errors } from "../../errors.js";
import { importModule } from "../../import-module.js";
import type { FromCallThread, ThreadSetup, ToCallThread } from "./call-threads.js";
import { fromWireError, toWireError } from "./wire-error.js";

type Method = (input?: unknown, context?: RunContext) => unknown;

const port = parentPort;
// Can't happen: call-threads.ts starts this module only as a worker thread.
if (port === null) throw new Error("call-thread.ts runs only as a worker thread");
const post = (message: FromCallThread): void => port.postMessage(message);

const setup = workerData as ThreadSetup;
// Compiled methods carry inline source maps: stack frames then point at the `.ts` lines.
process.setSourceMapsEnabled(true);
const methods = new Map<string, Method>();
try {
  for (const method of setup.methods) {
    const value = (await importModule(method.load))[method.exportName];
    if (typeof value !== "function") throw errors.notAFunction(method.name, method.exportName, method.url);
    methods.set(method.name, value as Method);
  }
  post({ t: "ready" });
} catch (error) {
  post({ t: "unloadable", message: describe(error) });
}

const aborts = new Map<number, LazyAbort>();

port.on("message", (message: ToCallThread) => {
  if (message.t === "abort") {
    aborts.get(message.id)?.abort(fromWireError(message.reason));
    return;
  }
  void call(message);
});

async function call(message: Extract<ToCallThread, { t: "call" }>): Promise<void> {
  const fn = methods.get(message.method);
  const abort = new LazyAbort();
  aborts.set(message.id, abort);
  try {
    // Can't happen: the process sends only the timed methods this thread loaded.
    if (fn === undefined) throw new Error(`this thread has no method '${message.method}'`);
    const error = message.error === undefined ? undefined : fromWireError(message.error);
    const context = new CallContext(message.method, message.attempt, message.item ?? undefined, abort, error);
    const value = await (message.withInput ? fn(message.input, context) : fn());
    try {
      post({ t: "result", id: message.id, ok: true, value });
    } catch (error) {
      // Outputs cross to the worker process by structured cloning before they go on as JSON.
      post({ t: "result", id: message.id, ok: false, error: toWireError(error), uncloneable: true });
    }
  } catch (error) {
    post({ t: "result", id: message.id, ok: false, error: toWireError(error) });
  } finally {
    aborts.delete(message.id);
  }
}
