/**
 * Worker threads inside a worker process for the calls of methods that have
 * a `timeout`. In the process's own thread, a call that never yields (a
 * CPU-bound loop) would hold the event loop: its timer could not fire, its
 * job's lock would lapse, and the whole worker would be wedged. On a thread
 * of its own it can be stopped: when the timeout fires the attempt fails
 * with a `MethodTimeoutError` at once (retries apply as usual) and the call's
 * signal aborts; a call that still has not returned after a short grace has
 * its thread terminated, and a new thread takes its place.
 *
 * Calls go to idle threads one at a time; threads are started as calls need
 * them (a process running N calls at once keeps N), each importing the
 * timed methods' modules itself: TypeScript compiled to JavaScript once, as
 * the `threads` backend's threads import it.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { errors, MethodTimeoutError } from "../../errors.js";
import type { AttemptSpec, Outcome } from "./attempt.js";
import type { WireError } from "./messages.js";
import { fromWireError, toWireError } from "./wire-error.js";
import { watchRun } from "./run-ends.js";

/** What a thread is started with: the methods it imports. */
export interface ThreadSetup {
  readonly methods: readonly {
    readonly name: string;
    /** The method's module, as errors name it. */
    readonly url: string;
    /** What the thread imports for it: `url`, or the JavaScript it was compiled to (see compiled-methods.ts). */
    readonly load: string;
    readonly exportName: string;
  }[];
}

export type ToCallThread =
  | {
      readonly t: "call";
      readonly id: number;
      readonly method: string;
      readonly input: unknown;
      /** Whether the method is called with its input and context (else with nothing). */
      readonly withInput: boolean;
      readonly item: number | null;
      readonly attempt: number;
      /** In a fallback's call: the error of the method it stands in for (`ctx.error`). */
      readonly error?: WireError | undefined;
    }
  | { readonly t: "abort"; readonly id: number; readonly reason: WireError };

export type FromCallThread =
  | { readonly t: "ready" }
  | { readonly t: "unloadable"; readonly message: string }
  | { readonly t: "result"; readonly id: number; readonly ok: true; readonly value: unknown }
  | {
      readonly t: "result";
      readonly id: number;
      readonly ok: false;
      readonly error: WireError;
      /** The method returned, but its output cannot be cloned out of the thread. */
      readonly uncloneable?: boolean;
    };

/** One thread and the call it runs. */
interface CallThread {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  /** The call it runs (until it answers, even after the attempt gave up on it), by id. */
  running: number | undefined;
  onResult: ((message: Extract<FromCallThread, { t: "result" }>) => void) | undefined;
  onExit: ((code: number) => void) | undefined;
  /** Set once the call it runs overran: the thread is terminated when it fires. */
  kill: NodeJS.Timeout | undefined;
  exited: boolean;
}

export class CallThreads {
  readonly #setup: ThreadSetup;
  readonly #graceMs: number;
  readonly #log: (line: string) => void;
  readonly #idle: CallThread[] = [];
  readonly #all = new Set<CallThread>();
  #ids = 0;
  #closed = false;

  constructor(setup: ThreadSetup, graceMs: number, log: (line: string) => void) {
    this.#setup = setup;
    this.#graceMs = graceMs;
    this.#log = log;
  }

  /** Starts one thread and waits until it has loaded the methods: a module that cannot load fails the worker now. */
  async start(): Promise<void> {
    const thread = this.#spawn();
    await thread.ready;
    this.#idle.push(thread);
  }

  /** Makes one attempt of a call on a thread; settles at the timeout, whether or not the call returns. */
  async attempt(input: unknown, withInput: boolean, item: number | undefined, spec: AttemptSpec): Promise<Outcome> {
    const thread = this.#idle.pop() ?? this.#spawn();
    try {
      await thread.ready;
    } catch (error) {
      return { ok: false, error, kind: "failed" };
    }
    const id = ++this.#ids;
    const started = performance.now();
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const finish = (outcome: Outcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unwatch();
        spec.inFlight.delete(onShutdown);
        resolve(outcome);
      };
      // The attempt is over for the worker; the call's signal aborts, and the thread goes if it does not stop.
      const stop = (outcome: Outcome & { ok: false }): void => {
        if (settled) return;
        thread.worker.postMessage({ t: "abort", id, reason: toWireError(outcome.error) } satisfies ToCallThread);
        finish(outcome);
        this.#overrun(thread, spec, item);
      };
      thread.running = id;
      thread.onResult = (message) => {
        if (message.id !== id) return;
        thread.running = undefined;
        thread.onResult = undefined;
        thread.onExit = undefined;
        clearTimeout(thread.kill);
        thread.kill = undefined;
        if (!this.#closed) this.#idle.push(thread);
        if (message.ok) finish({ ok: true, value: message.value, ms: performance.now() - started });
        else {
          const error = fromWireError(message.error);
          finish({
            ok: false,
            error: message.uncloneable === true ? errors.outputNotSendable(error) : error,
            kind: "failed",
          });
        }
      };
      thread.onExit = (code) =>
        finish({
          ok: false,
          error: errors.callThreadExited(code),
          kind: "failed",
        });
      const timeoutMs = spec.timeoutMs ?? 0;
      const timer = setTimeout(() => {
        stop({ ok: false, error: new MethodTimeoutError(spec.method, item, timeoutMs), kind: "failed" });
      }, timeoutMs);
      const unwatch = watchRun(spec.run, (reason) => stop({ ok: false, error: reason, kind: "ended" }));
      const onShutdown = (reason: unknown): void => stop({ ok: false, error: reason, kind: "shutdown" });
      spec.inFlight.add(onShutdown);
      const call: ToCallThread = {
        t: "call",
        id,
        method: spec.method,
        input,
        withInput,
        item: item ?? null,
        attempt: spec.attempt,
        ...(spec.error === undefined ? {} : { error: toWireError(spec.error) }),
      };
      try {
        thread.worker.postMessage(call);
      } catch (error) {
        // The input cannot be cloned into the thread (it came as JSON, so this is not expected).
        thread.running = undefined;
        this.#idle.push(thread);
        finish({ ok: false, error, kind: "failed" });
      }
    });
  }

  /** Terminates every thread. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#idle.length = 0;
    await Promise.all([...this.#all].map((thread) => thread.worker.terminate()));
  }

  /** A call given up on: its thread is terminated unless it answers within the grace. */
  #overrun(thread: CallThread, spec: AttemptSpec, item: number | undefined): void {
    if (thread.running === undefined || thread.kill !== undefined) return;
    thread.kill = setTimeout(() => {
      if (thread.exited) return;
      const call = `'${spec.method}'${item === undefined ? "" : ` item ${item}`} (attempt ${spec.attempt})`;
      this.#log(
        `${call} still ran ${this.#graceMs} ms after its attempt ended: its worker thread was stopped and will be replaced`,
      );
      this.#all.delete(thread);
      void thread.worker.terminate();
    }, this.#graceMs);
  }

  #spawn(): CallThread {
    const worker = new Worker(new URL(threadEntry()), { workerData: this.#setup });
    let loaded!: () => void;
    let unloadable!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      loaded = resolve;
      unloadable = reject;
    });
    // Observed here: a thread that fails to load is reported by the attempt (or start) that waits for it.
    ready.catch(() => undefined);
    const thread: CallThread = {
      worker,
      ready,
      running: undefined,
      onResult: undefined,
      onExit: undefined,
      kill: undefined,
      exited: false,
    };
    worker.on("message", (message: FromCallThread) => {
      if (message.t === "ready") loaded();
      else if (message.t === "unloadable") {
        unloadable(errors.callThreadsCannotLoad(message.message));
        void worker.terminate();
      } else thread.onResult?.(message);
    });
    // An error the method let escape (an unhandled rejection, a throw in a timer) ends the thread: its exit says so.
    worker.on("error", () => undefined);
    worker.on("exit", (code) => {
      thread.exited = true;
      clearTimeout(thread.kill);
      this.#all.delete(thread);
      const at = this.#idle.indexOf(thread);
      if (at !== -1) this.#idle.splice(at, 1);
      unloadable(errors.callThreadsCannotLoad(`it stopped while loading them (exit code ${code})`));
      thread.onExit?.(code);
    });
    this.#all.add(thread);
    return thread;
  }
}

/** The built `call-thread.js` beside this module, or, when the runtime runs from its sources, its tsx loader. */
function threadEntry(): string {
  const built = new URL("./call-thread.js", import.meta.url);
  if (existsSync(fileURLToPath(built))) return built.href;
  return new URL("./call-thread-source.mjs", import.meta.url).href;
}
