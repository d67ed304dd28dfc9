/**
 * `worker:up` / `worker:down` for the runs that listen. Threads belong to the
 * runner's pool, not to one run, so each run gets its own view: a worker is
 * announced to a run when it starts while one of the run's stages is on the
 * pool, or else just before the run's first shard on it; its end is reported
 * to the runs that were told about it (see `FlowEvent` in api.ts).
 *
 * Nothing here runs for runs that nobody listens to.
 */
import type { CallScope, FlowEvent } from "../../api.js";
import { now } from "../../clock.js";

export type DownReason = Extract<FlowEvent, { type: "worker:down" }>["reason"];

interface RunView {
  readonly scope: CallScope;
  /** Workers this run was told about and not yet told the end of. */
  readonly announced: Set<number>;
  /** Stages of the run on the pool right now. */
  stages: number;
}

/** How many ended workers to remember the reason of, for runs that learn of it late. */
const ENDED_KEPT = 1024;

export class Lifecycle {
  readonly #backend: string;
  readonly #alive = new Set<number>();
  readonly #ended = new Map<number, DownReason>();
  readonly #active = new Set<RunView>();
  readonly #views = new WeakMap<CallScope, RunView>();

  constructor(backend: string) {
    this.#backend = backend;
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
      view = { scope, announced: new Set(), stages: 0 };
      this.#views.set(scope, view);
    }
    view.stages++;
    this.#active.add(view);
    for (const worker of view.announced) {
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
    if (view !== undefined && !view.announced.has(worker)) this.#announce(view, worker);
  }

  #announce(view: RunView, worker: number): void {
    // A thread can take a shard before the pool reports it ready: then the shard announced it already.
    if (view.announced.has(worker)) return;
    view.announced.add(worker);
    view.scope.emit?.({ type: "worker:up", runId: view.scope.runId, time: now(), worker, backend: this.#backend });
  }

  #retire(view: RunView, worker: number, reason: DownReason): void {
    if (!view.announced.delete(worker)) return;
    view.scope.emit?.({ type: "worker:down", runId: view.scope.runId, time: now(), worker, reason });
  }
}
