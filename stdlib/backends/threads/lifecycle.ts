/**
 * `worker:up` / `worker:down` for the runs that listen. Threads belong to the
 * runner's pool, not to one run, so each run gets its own view: a worker is
 * announced to a run when it starts while one of the run's stages is on the
 * pool, or else just before the run's first shard on it; its end is reported
 * to the runs that were told about it (see `FlowEvent` in api.ts).
 *
 * The events themselves, and which run was told of which worker, are the
 * kit's (WorkerEvents); this adds what is particular to a shared pool. Nothing
 * here runs for runs that nobody listens to.
 */
import type { CallScope } from "../../api.js";
import { WorkerEvents, type DownReason } from "../../kit/worker-events.js";

export type { DownReason } from "../../kit/worker-events.js";

interface RunView {
  readonly scope: CallScope;
  /** Stages of the run on the pool right now. */
  stages: number;
}

/** How many ended workers to remember the reason of, for runs that learn of it late. */
const ENDED_KEPT = 1024;

export class Lifecycle {
  readonly #events: WorkerEvents;
  readonly #alive = new Set<number>();
  readonly #ended = new Map<number, DownReason>();
  readonly #active = new Set<RunView>();
  readonly #views = new WeakMap<CallScope, RunView>();

  constructor(backend: string) {
    this.#events = new WorkerEvents(backend);
  }

  get alive(): ReadonlySet<number> {
    return this.#alive;
  }

  up(worker: number): void {
    this.#alive.add(worker);
    for (const view of this.#active) this.#announce(view, worker);
  }

  down(worker: number, reason: DownReason): void {
    if (!this.#alive.delete(worker)) return;
    this.#ended.set(worker, reason);
    if (this.#ended.size > ENDED_KEPT) this.#ended.delete(this.#ended.keys().next().value as number);
    for (const view of this.#active) this.#retire(view, worker, reason);
  }

  /** A stage of the run starts on the pool; tells it about workers it knew that have ended since. */
  stageStarted(scope: CallScope): void {
    if (scope.emit === undefined) return;
    let view = this.#views.get(scope);
    if (view === undefined) {
      view = { scope, stages: 0 };
      this.#views.set(scope, view);
    }
    view.stages++;
    this.#active.add(view);
    for (const worker of [...this.#events.announced(scope)]) {
      if (!this.#alive.has(worker)) this.#retire(view, worker, this.#ended.get(worker) ?? "idle");
    }
  }

  stageEnded(scope: CallScope): void {
    const view = this.#views.get(scope);
    if (view === undefined || --view.stages > 0) return;
    this.#active.delete(view);
  }

  /** Announces `worker` to the run before its first shard there. */
  beforeShard(scope: CallScope, worker: number): void {
    const view = this.#views.get(scope);
    if (view !== undefined) this.#announce(view, worker);
  }

  #announce(view: RunView, worker: number): void {
    // A thread can take a shard before the pool reports it ready: then the shard announced it already.
    this.#events.up(view.scope, worker);
  }

  #retire(view: RunView, worker: number, reason: DownReason): void {
    this.#events.down(view.scope, worker, reason);
  }
}
