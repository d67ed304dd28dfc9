/**
 * The bullmq backend with its workers in child processes (worker hosts,
 * test/fixtures/bullmq/host.ts), for the conformance sections that must see
 * only what the transport carries: nothing a method throws or is aborted
 * with can reach the test through shared memory or process-wide state. Like
 * ./in-process.ts, each runner gets one single-slot worker per slot it
 * allows (at least two), spread over the hosts, started on open and stopped
 * on close; the hosts themselves live as long as the test file.
 */
import type { Backend, PlanDescriptor } from "../../stdlib/index.js";
import type { HostAnswer, HostCommand } from "../fixtures/bullmq/host.js";
import { isSharedRequest, SHARED_REMOTE_ENV, type SharedReply } from "../fixtures/threads/shared-remote.js";
import { shared } from "../fixtures/threads/shared-state.js";
import { withWorkers } from "./in-process.js";
import { fixtures, spawnWorker, type WorkerProcess } from "./processes.js";

export class WorkerHosts {
  readonly #hosts: readonly WorkerProcess[];
  readonly #waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  #next = 0;

  private constructor(hosts: readonly WorkerProcess[]) {
    this.#hosts = hosts;
    for (const host of hosts) host.child.on("message", (message: unknown) => this.#onMessage(host, message));
  }

  /** Starts `count` host processes. */
  static async start(count: number): Promise<WorkerHosts> {
    const hosts = await Promise.all(
      Array.from({ length: count }, () =>
        spawnWorker([`${fixtures}host.ts`], /^ready$/m, { [SHARED_REMOTE_ENV]: "1" }, true),
      ),
    );
    return new WorkerHosts(hosts);
  }

  /** The bullmq backend on `connection`, its workers in the hosts. */
  backend(connection: () => string): Backend {
    return withWorkers(connection, async (plan, _methods, count) => {
      const ids: { host: WorkerProcess; id: number }[] = [];
      const stop = (): Promise<unknown> => Promise.all(ids.map(({ host, id }) => this.#ask(host, { close: id })));
      try {
        await Promise.all(
          Array.from({ length: count }, (_, i) =>
            this.#open(this.#hosts[i % this.#hosts.length], plan, connection(), ids),
          ),
        );
      } catch (error) {
        await stop();
        throw error;
      }
      return stop;
    });
  }

  async dispose(): Promise<void> {
    await Promise.all(
      this.#hosts.map((host) => {
        host.child.disconnect();
        return host.exited;
      }),
    );
  }

  async #open(
    host: WorkerProcess | undefined,
    plan: PlanDescriptor,
    connection: string,
    ids: { host: WorkerProcess; id: number }[],
  ): Promise<void> {
    if (host === undefined) throw new Error("no worker host");
    const id = ++this.#next;
    await this.#ask(host, { open: id, plan, connection });
    ids.push({ host, id });
  }

  #ask(host: WorkerProcess, command: HostCommand): Promise<void> {
    const id = "open" in command ? command.open : command.close;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      host.child.send(command);
    });
  }

  #onMessage(host: WorkerProcess, message: unknown): void {
    if (isSharedRequest(message)) {
      const answer = (error?: unknown): void => {
        if (message.id === undefined) return;
        const reply: SharedReply =
          error === undefined ? { sharedReply: message.id } : { sharedReply: message.id, error: String(error) };
        host.child.send(reply);
      };
      try {
        Promise.resolve(applyShared(message.shared, message.args)).then(() => answer(), answer);
      } catch (error) {
        answer(error);
      }
      return;
    }
    const { done, error } = message as HostAnswer;
    const waiter = this.#waiting.get(done);
    this.#waiting.delete(done);
    if (error === undefined) waiter?.resolve();
    else waiter?.reject(new Error(`worker host: ${error}\n${host.stderr()}`));
  }
}

/** Performs a host's operation on the test's shared state. */
function applyShared(op: string, args: readonly unknown[]): unknown {
  const [first, second, third] = args as [never, never, never];
  switch (op) {
    case "reset":
      return shared.reset();
    case "set":
      return shared.set(first, second);
    case "add":
      return shared.add(first, second);
    case "reach":
      return shared.reach(first, second, third);
    case "gauge.enter":
      return shared.gauge.enter();
    case "gauge.leave":
      return shared.gauge.leave();
    case "gauge.atLeast":
      return shared.gauge.atLeast(first);
    case "gate.open":
      return shared.gate(first).open();
    case "gate.wait":
      return shared.gate(first).wait();
    case "record":
      return shared.record(first);
    case "recorded":
      return shared.recorded(first, second);
    default:
      throw new Error(`no shared operation '${op}'`);
  }
}
