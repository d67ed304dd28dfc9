/**
 * One journaled run: the record it holds in the store (new, or claimed to
 * resume), the outputs its calls store, each method's record, and the hold it
 * renews while it goes. Writes never wait on the run: they are handed to the
 * store as outputs arrive, and the run flushes them before it settles. A write
 * that fails fails the run at its next call, or when it settles: a journal that
 * silently stopped recording could not keep its promise to a resume.
 */
import type { CallScope, FlowEvent } from "../api.js";
import { ErrorCode, errors, FlowError, MethodError, type JournalError } from "../errors.js";
import type { MethodRecord, MethodStatus, RunOwner, RunStore } from "./store.js";

/** How long a hold lasts without a renewal; renewed at a third of it. */
export const LEASE_MS = 60_000;

export class JournalRun {
  /** The journal id (what `resume` takes). */
  readonly id: string;
  /** Whether calls look for stored outputs before they are made. */
  readonly reuse: boolean;
  readonly store: RunStore;
  readonly owner: RunOwner;
  /** Calls made and reused, by plan position. */
  readonly made: number[];
  readonly reused: number[];
  /** Methods whose outputs the store refused in this run: their calls are no longer stored. */
  readonly #unstorable = new Set<number>();
  readonly #names: readonly string[];
  readonly #started = new Map<number, number>();
  #failure: FlowError | undefined;
  #writes: Promise<unknown>[] = [];
  #renewal: ReturnType<typeof setInterval> | undefined;

  constructor(id: string, reuse: boolean, store: RunStore, owner: RunOwner, names: readonly string[]) {
    this.id = id;
    this.reuse = reuse;
    this.store = store;
    this.owner = owner;
    this.#names = names;
    this.made = new Array<number>(names.length).fill(0);
    this.reused = new Array<number>(names.length).fill(0);
  }

  /** The journal's own failure (a write that failed, a hold that was lost), once there is one. */
  get failure(): FlowError | undefined {
    return this.#failure;
  }

  /** Keeps the run's hold while it goes; the timer does not keep the process alive. */
  hold(): void {
    this.#renewal = setInterval(() => {
      this.store.renew(this.id, this.owner, LEASE_MS).then(
        (held) => {
          if (!held) this.#fail(errors.runBusy(this.store.location, this.id, "another process", Date.now()));
        },
        (error: unknown) => this.#fail(journalFailure(this.store, error)),
      );
    }, LEASE_MS / 3);
    this.#renewal.unref();
  }

  /** Stores the output of method `i`'s call under `key`; the run hears once if the store refuses it. */
  put(i: number, key: string, output: unknown, scope: CallScope): void {
    if (this.#unstorable.has(i) || this.#failure !== undefined) return;
    const method = this.#names[i] ?? "";
    try {
      this.#track(this.store.put([{ key, method, run: this.id, output }]));
    } catch (error) {
      if (error instanceof FlowError && error.code === ErrorCode.NotStorable) {
        this.#unstorable.add(i);
        scope.emit?.({ type: "journal:warning", runId: scope.runId, time: Date.now(), method, error });
        return;
      }
      this.#fail(journalFailure(this.store, error));
    }
  }

  /** Records what the run's events say of its methods. */
  readonly onEvent = (event: FlowEvent): void => {
    switch (event.type) {
      case "method:start":
        this.#method(event.method, "running", event.time, null);
        break;
      case "method:end":
        this.#method(event.method, event.ok ? "ok" : "failed", undefined, event.time);
        break;
      case "method:skip":
        this.#method(event.method, "skipped", undefined, event.time);
        break;
      default:
        break;
    }
  };

  #method(name: string, status: MethodStatus, startedAt: number | undefined, endedAt: number | null): void {
    const i = this.#names.indexOf(name);
    if (i < 0) return;
    if (startedAt !== undefined) this.#started.set(i, startedAt);
    const record: MethodRecord = {
      run: this.id,
      method: name,
      status,
      calls: this.made[i] ?? 0,
      reused: this.reused[i] ?? 0,
      startedAt: this.#started.get(i) ?? endedAt ?? Date.now(),
      endedAt,
    };
    try {
      this.#track(this.store.method(record));
    } catch (error) {
      this.#fail(journalFailure(this.store, error));
    }
  }

  #track(write: void | Promise<void>): void {
    if (write === undefined) return;
    this.#writes.push(write.catch((error: unknown) => this.#fail(journalFailure(this.store, error))));
    if (this.#writes.length > 1024) this.#writes = [Promise.all(this.#writes)];
  }

  #fail(error: FlowError): void {
    this.#failure ??= error;
  }

  /**
   * Ends the run in the journal: records how it ended and releases its hold, made durable
   * before it returns when the run failed. Resolves to the journal's own failure, if it had
   * one, which then is the run's.
   */
  async end(error: unknown): Promise<FlowError | undefined> {
    clearInterval(this.#renewal);
    try {
      await Promise.all(this.#writes);
      const failure = error ?? this.#failure;
      await this.store.end(this.id, this.owner, {
        status: failure === undefined ? "ok" : isCancellation(failure) ? "cancelled" : "failed",
        endedAt: Date.now(),
        failedMethod: failure instanceof MethodError ? failure.method : methodOf(failure),
        error: failure === undefined ? null : failure instanceof Error ? failure.message : String(failure),
      });
      // A run that failed is resumed next: its record must be there once it rejects. A run that
      // succeeded leaves its last writes to the store's next commit (stores batch them).
      if (failure !== undefined) await this.store.flush();
    } catch (cause) {
      this.#fail(journalFailure(this.store, cause));
    }
    return this.#failure;
  }
}

/** A store's error as the run reports it: its own `JournalError`, or one naming the store. */
export function journalFailure(store: RunStore, error: unknown): JournalError | FlowError {
  if (error instanceof FlowError) return error;
  return errors.journalUnavailable(store.location, "could not be written", error);
}

function isCancellation(error: unknown): boolean {
  return error instanceof FlowError && error.code === ErrorCode.Cancelled;
}

/** The method a failure names, for errors that carry one (`method`), else `null`. */
function methodOf(error: unknown): string | null {
  if (typeof error !== "object" || error === null) return null;
  const method = (error as { method?: unknown }).method;
  return typeof method === "string" ? method : null;
}
