/**
 * A backend's method with a journal in front: each call is keyed (keys.ts);
 * in a run that resumes, a call whose output is stored is answered from the
 * store and not made; every output that comes back is stored as it arrives
 * (a parallel stage's item by item, through `MapOptions.done`), so a run
 * killed mid-stage keeps every item that had finished.
 *
 * A resumed stage hands the backend only the items it has no output for, with
 * their numbers in the stage (`MapOptions.indices`), so that `ctx.item` and
 * the events still count the stage's items.
 */
import type { BackendMethod, CallInfo, CallScope, ItemStream, MapOptions } from "../api.js";
import { isThenable } from "../context.js";
import type { PlanMethod } from "../plan.js";
import type { JournalRun } from "./journal-run.js";
import { callKey, journaled, keyPrefix } from "./keys.js";
import type { Stored } from "./store.js";

/** Wraps method `i` of the plan; `runs` holds the journaled runs going, by scheduler run id. */
export function journaledMethod(
  inner: BackendMethod,
  i: number,
  method: PlanMethod,
  runs: ReadonlyMap<string, JournalRun>,
): BackendMethod {
  const keyed = journaled(method);
  const prefix = keyPrefix(method);
  const takesInput = method.takesInput;
  const keyOf = (input: unknown): string | undefined => (keyed ? callKey(prefix, takesInput, input) : undefined);

  /** Makes the call and stores its output. */
  const callAndStore = (
    run: JournalRun,
    key: string | undefined,
    input: unknown,
    scope: CallScope,
    info: CallInfo | undefined,
  ): unknown => {
    run.made[i] = (run.made[i] ?? 0) + 1;
    const output = inner.call(input, scope, info);
    if (key === undefined) return output;
    if (isThenable(output)) {
      return Promise.resolve(output).then((value) => {
        if (!isReadOnce(value)) run.put(i, key, value, scope);
        return value;
      });
    }
    if (!isReadOnce(output)) run.put(i, key, output, scope);
    return output;
  };

  /** Maps the items at `positions` of the stage (all of them when `undefined`), storing each output. */
  const mapAndStore = (
    run: JournalRun,
    items: readonly unknown[],
    keys: readonly (string | undefined)[],
    positions: readonly number[] | undefined,
    lanes: number,
    scope: CallScope,
    options: MapOptions | undefined,
  ): Promise<unknown[]> => {
    run.made[i] = (run.made[i] ?? 0) + items.length;
    const indices =
      positions === undefined
        ? options?.indices
        : positions.map((position) => options?.indices?.[position] ?? position);
    const mapOptions = storing(run, keys, positions, indices, scope, options);
    return inner.map(items, Math.max(1, Math.min(lanes, items.length)), scope, mapOptions);
  };

  const wrapped: BackendMethod = {
    call(input, scope, info) {
      const run = runs.get(scope.runId);
      if (run === undefined) return inner.call(input, scope, info);
      if (run.failure !== undefined) throw run.failure;
      // A fallback's call depends on the error it stands in for, which is no part of the key.
      const key = info?.error === undefined ? keyOf(input) : undefined;
      if (key === undefined || !run.reuse) return callAndStore(run, key, input, scope, info);
      return run.store.get([key]).then(([stored]) => {
        if (stored === undefined) return callAndStore(run, key, input, scope, info);
        run.reused[i] = (run.reused[i] ?? 0) + 1;
        reportReused(scope, method.name, 1, 1);
        return stored.output;
      });
    },

    async map(items, lanes, scope, options) {
      const run = runs.get(scope.runId);
      if (run === undefined) return inner.map(items, lanes, scope, options);
      if (run.failure !== undefined) throw run.failure;
      const keys = items.map(keyOf);
      if (!run.reuse) return settled(run, await mapAndStore(run, items, keys, undefined, lanes, scope, options));

      const wanted = keys.filter((key) => key !== undefined);
      const found = wanted.length === 0 ? [] : await run.store.get(wanted);
      const byKey = new Map<string, Stored>();
      wanted.forEach((key, k) => byKey.set(key, found[k]));
      const outputs = new Array<unknown>(items.length);
      const positions: number[] = [];
      for (let k = 0; k < items.length; k++) {
        const stored = keys[k] === undefined ? undefined : byKey.get(keys[k] ?? "");
        if (stored === undefined) positions.push(k);
        else outputs[k] = stored.output;
      }
      const reused = items.length - positions.length;
      if (reused > 0) {
        run.reused[i] = (run.reused[i] ?? 0) + reused;
        reportReused(scope, method.name, reused, items.length);
      }
      if (positions.length === 0) return outputs;
      if (reused === 0) return settled(run, await mapAndStore(run, items, keys, undefined, lanes, scope, options));
      const rest = positions.map((k) => items[k]);
      const restKeys = positions.map((k) => keys[k]);
      const mapped = await mapAndStore(run, rest, restKeys, positions, lanes, scope, options);
      positions.forEach((k, j) => (outputs[k] = mapped[j]));
      return settled(run, outputs);
    },
  };

  // Bound: a backend's method may be an object whose `mapStream` reads `this`.
  const mapStream = inner.mapStream?.bind(inner);
  if (mapStream === undefined) return wrapped;
  return {
    ...wrapped,
    mapStream(stream, lanes, scope, options) {
      const run = runs.get(scope.runId);
      if (run === undefined) return mapStream(stream, lanes, scope, options);
      if (run.failure !== undefined) return Promise.reject(run.failure);
      return journaledStream(run, stream, lanes, scope, options);
    },
  };

  /**
   * The options of a map over the items at `positions` of the stage (all of them when
   * `undefined`): each output is stored as it arrives, and the caller's callbacks hear
   * of it by the item's position in the stage.
   */
  function storing(
    run: JournalRun,
    keys: readonly (string | undefined)[],
    positions: readonly number[] | undefined,
    indices: readonly number[] | undefined,
    scope: CallScope,
    options: MapOptions | undefined,
  ): MapOptions {
    const outer = (k: number): number => (positions === undefined ? k : (positions[k] ?? k));
    const failed = options?.failed;
    const done = options?.done;
    return {
      tolerate: options?.tolerate,
      failed: failed === undefined ? undefined : (k, error) => failed(outer(k), error),
      done: (k, output) => {
        const key = keys[k];
        if (key !== undefined) run.put(i, key, output, scope);
        done?.(outer(k), output);
      },
      indices,
    };
  }

  /**
   * A stream's items are keyed as they are read; in a resumed run, those with a stored
   * output are answered at once and only the rest go on to the backend.
   */
  async function journaledStream(
    run: JournalRun,
    stream: ItemStream,
    lanes: number,
    scope: CallScope,
    options: MapOptions | undefined,
  ): Promise<unknown[]> {
    const outputs: unknown[] = [];
    const positions: number[] = [];
    const keys: (string | undefined)[] = [];
    const indices: number[] = [];
    let read = 0;
    let reused = 0;
    async function* rest(): AsyncGenerator<unknown, void, undefined> {
      for await (const item of stream) {
        const position = read++;
        const key = keyOf(item);
        if (run.reuse && key !== undefined) {
          const [stored] = await run.store.get([key]);
          if (stored !== undefined) {
            outputs[position] = stored.output;
            reused++;
            continue;
          }
        }
        positions.push(position);
        keys.push(key);
        indices.push(options?.indices?.[position] ?? position);
        run.made[i] = (run.made[i] ?? 0) + 1;
        yield item;
      }
    }
    const mapOptions = storing(run, keys, positions, indices, scope, options);
    const mapped = await (mapStream as NonNullable<typeof mapStream>)(rest(), lanes, scope, mapOptions);
    positions.forEach((position, k) => (outputs[position] = mapped[k]));
    outputs.length = read;
    if (reused > 0) {
      run.reused[i] = (run.reused[i] ?? 0) + reused;
      reportReused(scope, method.name, reused, read);
    }
    return settled(run, outputs);
  }
}

/**
 * An iterator or a stream (a generator a parallel method reads item by item): read once by
 * the stage it feeds, it cannot be stored, so its method's calls are made again on resume
 * (no warning: nothing was lost that could have been kept).
 */
function isReadOnce(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  if (Symbol.asyncIterator in value) return true;
  return Symbol.iterator in value && typeof (value as { next?: unknown }).next === "function";
}

/** A stage's outputs, unless the journal failed meanwhile: then the run fails with the journal's error. */
function settled(run: JournalRun, outputs: unknown[]): unknown[] {
  if (run.failure !== undefined) throw run.failure;
  return outputs;
}

/** Tells the run's listeners that `reused` of `calls` calls of `method` were answered from the journal. */
function reportReused(scope: CallScope, method: string, reused: number, calls: number): void {
  scope.emit?.({ type: "calls:reused", runId: scope.runId, time: Date.now(), method, reused, calls });
}
