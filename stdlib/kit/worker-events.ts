/**
 * Worker numbers and the `worker:up` / `worker:down` events of the runs that
 * listen, for every backend: worker 0 is the calling thread, other workers
 * are numbered from 1 as the backend first meets them, and each run is told
 * `worker:up` once per worker before anything of it runs there, and
 * `worker:down` only for workers it was told about (see `FlowEvent` in
 * api.ts). Which workers a backend has, and when they start and stop, is the
 * backend's own business: the inline backend's lanes, the threads pool,
 * bullmq's worker processes.
 *
 * Nothing here runs for runs that nobody listens to.
 */
import type { CallScope, FlowEvent } from "../api.js";
import { now } from "../clock.js";

export type DownReason = Extract<FlowEvent, { type: "worker:down" }>["reason"];

/** The worker number of the calling thread, in every backend. */
export const CALLING_THREAD = 0;

const NONE: ReadonlySet<number> = new Set();

export class WorkerEvents {
  /** The backend's name, as `worker:up` gives it. */
  readonly backend: string;
  #next = CALLING_THREAD + 1;
  readonly #numbers = new Map<string, number>();
  /** Per run, the workers it was told about and not yet told the end of. */
  readonly #announced = new WeakMap<CallScope, Set<number>>();

  constructor(backend: string) {
    this.backend = backend;
  }

  /** A fresh worker number, never given before. */
  next(): number {
    return this.#next++;
  }

  /** The number of the worker known by `id` (a worker process's id), given the first time it is asked for. */
  numberOf(id: string): number {
    let number = this.#numbers.get(id);
    if (number === undefined) {
      number = this.next();
      this.#numbers.set(id, number);
    }
    return number;
  }

  /** The number of the worker known by `id`, if it has one. */
  knownNumber(id: string): number | undefined {
    return this.#numbers.get(id);
  }

  /** Tells the run `worker:up`, unless it was told already. */
  up(scope: CallScope, worker: number): void {
    const emit = scope.emit;
    if (emit === undefined) return;
    let announced = this.#announced.get(scope);
    if (announced === undefined) this.#announced.set(scope, (announced = new Set()));
    if (announced.has(worker)) return;
    announced.add(worker);
    emit({ type: "worker:up", runId: scope.runId, time: now(), worker, backend: this.backend });
  }

  /** Tells the run `worker:down`, if it was told about the worker; returns whether it was. */
  down(scope: CallScope, worker: number, reason: DownReason): boolean {
    if (this.#announced.get(scope)?.delete(worker) !== true) return false;
    scope.emit?.({ type: "worker:down", runId: scope.runId, time: now(), worker, reason });
    return true;
  }

  /** The workers the run was told about and not yet told the end of. */
  announced(scope: CallScope): ReadonlySet<number> {
    return this.#announced.get(scope) ?? NONE;
  }
}
