/**
 * The test's side of ./store-child.ts: real processes that hold runs (and,
 * for SQLite, locks) in the same journal as the test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { RunStore } from "../../stdlib/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const script = fileURLToPath(new URL("./store-child.ts", import.meta.url));

/** How a child opens the journal the test uses. */
export type StoreSpec =
  | { readonly kind: "sqlite"; readonly directory: string }
  | { readonly kind: "redis"; readonly url: string; readonly prefix: string };

/** The store methods a child may be asked to call. */
export type StoreMethod = Exclude<keyof RunStore, "location" | "encoding">;

export type ChildRequest =
  | { readonly kind: "open"; readonly spec: StoreSpec }
  | { readonly kind: "call"; readonly method: StoreMethod; readonly args: readonly unknown[] }
  | { readonly kind: "lock"; readonly directory: string };

/** What a child answers: the result, or the error's telling fields. */
export type ChildReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { name: unknown; message: unknown; code: unknown; holder: unknown };
    };

export class StoreChild {
  readonly #child: ChildProcess;
  readonly #replies = new Map<number, (reply: ChildReply) => void>();
  readonly exited: Promise<void>;
  #next = 1;

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.on("message", (reply: ChildReply) => {
      this.#replies.get(reply.id)?.(reply);
      this.#replies.delete(reply.id);
    });
  }

  /** Starts a child with the store of `spec` open. */
  static async start(spec: StoreSpec): Promise<StoreChild> {
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "advanced",
    });
    const started = new StoreChild(child);
    await new Promise<void>((resolve, reject) => {
      started.#replies.set(0, () => resolve());
      void started.exited.then(() => reject(new Error("the store child exited before it was ready")));
    });
    await started.#send({ kind: "open", spec });
    return started;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** Calls `method` on the child's store; resolves to its reply (a failure is a reply, not a rejection). */
  call(method: StoreMethod, ...args: unknown[]): Promise<ChildReply> {
    return this.#request({ kind: "call", method, args });
  }

  /** Opens the SQLite journal in `directory` directly and holds it in `BEGIN EXCLUSIVE` until the child ends. */
  async lock(directory: string): Promise<void> {
    await this.#send({ kind: "lock", directory });
  }

  /** SIGKILLs the child and resolves once it has been reaped (so its pid answers ESRCH). */
  async kill(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill("SIGKILL");
    await this.exited;
  }

  async #send(request: ChildRequest): Promise<unknown> {
    const reply = await this.#request(request);
    if (!reply.ok) throw new Error(`the store child failed: ${String(reply.error.message)}`);
    return reply.result;
  }

  #request(request: ChildRequest): Promise<ChildReply> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#replies.set(id, resolve);
      void this.exited.then(() => reject(new Error("the store child exited before it answered")));
      this.#child.send({ ...request, id });
    });
  }
}
