/**
 * The conformance section about what a map does besides mapping
 * (`MapOptions`), which a run's journal relies on and no runner option
 * reaches: `done` hears of each item's output once, by position, before the
 * map settles; `indices` numbers the items of a partial map as their stage
 * does, in everything users see; `tolerate` is asked for, not implied by
 * passing options. The tests drive a backend's methods as the scheduler
 * does, and assert only what survives a transport (outputs, positions,
 * numbers, an error's method, item and attempts).
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  MethodError,
  type Backend,
  type BackendMethod,
  type CallScope,
  type FlowEvent,
  type MapOptions,
} from "../../stdlib/index.js";
import { collectThenMap } from "../../stdlib/collect-stream.js";
import { ItemFailure } from "../../stdlib/errors.js";
import * as fixtures from "../fixtures/threads/conformance.methods.js";
import { shared } from "../fixtures/threads/shared-state.js";
import { conformanceSession, HANG } from "./conformance-harness.js";
import { settle } from "./latch.js";
import { buildPlan } from "./plans.js";

/** The scope of one run, as the scheduler gives it to a backend: events kept when `listen`, cancelled on demand. */
class TestScope implements CallScope {
  readonly runId = `maps-${randomUUID()}`;
  readonly events: FlowEvent[] = [];
  readonly emit: ((event: FlowEvent) => void) | undefined;
  readonly #abort = new AbortController();

  constructor(listen: boolean) {
    this.emit = listen ? (event) => this.events.push(event) : undefined;
  }

  get cancelled(): boolean {
    return this.#abort.signal.aborted;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }
}

/** What a map's `done` was told, in the order it was told. */
class DoneLog {
  readonly calls: [position: number, output: unknown][] = [];
  readonly done = (position: number, output: unknown): void => {
    this.calls.push([position, output]);
  };

  /** The calls by position (a position told twice shows twice). */
  sorted(): [number, unknown][] {
    return [...this.calls].sort((x, y) => x[0] - y[0]);
  }
}

/**
 * The section's parallel methods, one plan for all of its tests (opening a
 * backend is what takes time): in a chain, so that the plan needs no more
 * than two workers at once. Shard sizes put several items in a shard where
 * the backend makes shards.
 */
const PLAN = buildPlan(
  {
    double: { mode: "parallel", minWorkers: 2, shardSize: 4 },
    retried: { mode: "parallel", minWorkers: 2, retries: 1, shardSize: 6, exportName: "failOnceOn2" },
    failing: { mode: "parallel", minWorkers: 2, shardSize: 3, exportName: "failOn17" },
    failingRetried: { mode: "parallel", minWorkers: 2, retries: 1, shardSize: 3, exportName: "failOn17" },
    recorded: { mode: "parallel", minWorkers: 2, shardSize: 2, exportName: "recordContext" },
  },
  [
    ["double", "retried"],
    ["retried", "failing"],
    ["failing", "failingRetried"],
    ["failingRetried", "recorded"],
  ],
  "maps",
);

const METHODS = {
  double: fixtures.double,
  retried: fixtures.failOnceOn2,
  failing: fixtures.failOn17,
  failingRetried: fixtures.failOn17,
  recorded: fixtures.recordContext,
};

/** A stream that numbers each item in `indices` as it yields it, as a resumed stage's stream would. */
function* numbered(items: readonly (readonly [number, unknown])[], indices: number[]): Generator<unknown> {
  for (const [number, item] of items) {
    indices.push(number);
    yield item;
  }
}

/** A parallel method given a stream runs on `mapStream`, or on the array it is collected into. */
function mapStream(
  name: string,
  method: BackendMethod,
  stream: Iterable<unknown>,
  scope: CallScope,
  options: MapOptions,
): Promise<unknown[]> {
  return method.mapStream !== undefined
    ? method.mapStream(stream, 2, scope, options)
    : collectThenMap(name, method, stream, 2, scope, options);
}

/**
 * Checks that the `shard:start`s of a map cover its items in order with the
 * stage's numbers: sorted by `first`, each shard starts at the number of the
 * item after the previous shard's last.
 */
function expectShardsNumbered(events: readonly FlowEvent[], indices: readonly number[]): void {
  const starts = events
    .flatMap((event) => (event.type === "shard:start" ? [event] : []))
    .sort((x, y) => x.first - y.first);
  let position = 0;
  for (const start of starts) {
    expect(start.first).toBe(indices[position]);
    position += start.count;
  }
  expect(position).toBe(indices.length);
}

export function describeMaps(makeBackend: () => Backend): void {
  describe("map options", () => {
    const bound = conformanceSession(makeBackend, PLAN, METHODS);

    it(
      "tells done of every output once, with its position, before the map resolves",
      async () => {
        const method = bound("double");
        const items = Array.from({ length: 40 }, (_, i) => i);
        const log = new DoneLog();
        const outputs = await method.map(items, 2, new TestScope(false), { done: log.done });
        // Every call was made by the time the map resolved.
        expect(log.calls).toHaveLength(40);
        expect(outputs).toEqual(items.map((x) => x * 2));
        await settle();
        expect(log.sorted()).toEqual(items.map((x) => [x, x * 2]));
      },
      HANG,
    );

    it(
      "tells done once of an item that succeeds on a retry, and of the items of its shard",
      async () => {
        const method = bound("retried");
        const items = [0, 1, 2, 3, 4, 5];
        const log = new DoneLog();
        await expect(method.map(items, 2, new TestScope(true), { done: log.done })).resolves.toEqual(items);
        await settle();
        expect(log.sorted()).toEqual(items.map((x) => [x, x]));
      },
      HANG,
    );

    it(
      "with tolerate, tells done of the items that succeeded and failed of the others, by position",
      async () => {
        const method = bound("failing");
        const items = [15, 16, 17, 18, 17, 19];
        const log = new DoneLog();
        const failed: number[] = [];
        const outputs = await method.map(items, 2, new TestScope(false), {
          tolerate: true,
          failed: (position) => failed.push(position),
          done: log.done,
        });
        expect(log.sorted()).toEqual([
          [0, 15],
          [1, 16],
          [3, 18],
          [5, 19],
        ]);
        expect(failed.sort((x, y) => x - y)).toEqual([2, 4]);
        expect(outputs[2]).toBeInstanceOf(ItemFailure);
        expect((outputs[4] as ItemFailure).error).toMatchObject({ method: "failing", item: 4, attempts: 1 });
        expect(outputs.filter((output) => !(output instanceof ItemFailure))).toEqual([15, 16, 18, 19]);
      },
      HANG,
    );

    it(
      "rejects at the first failed item when given done and failed but not tolerate",
      async () => {
        const method = bound("failing");
        const failed: number[] = [];
        for (const tolerate of [undefined, false]) {
          const error = await method
            .map([16, 17, 18], 2, new TestScope(false), {
              tolerate,
              done: () => undefined,
              failed: (position) => failed.push(position),
            })
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(MethodError);
          expect(error).toMatchObject({ method: "failing", item: 1, attempts: 1 });
        }
        expect(failed).toEqual([]);
      },
      HANG,
    );

    it(
      "fails the map with what done throws",
      async () => {
        const method = bound("double");
        const broken = new Error("journal full");
        const done = (position: number): void => {
          if (position === 2) throw broken;
        };
        await expect(method.map([0, 1, 2, 3], 2, new TestScope(false), { done })).rejects.toBe(broken);
      },
      HANG,
    );

    it(
      "names items by indices: a call's ctx.item, its shard's first item, and done still by position",
      async () => {
        const method = bound("recorded");
        const indices = [3, 4, 9, 20, 21];
        const scope = new TestScope(true);
        const log = new DoneLog();
        const outputs = await method.map([1, 2, 3, 4, 5], 2, scope, { indices, done: log.done });
        expect(outputs).toEqual([10, 20, 30, 40, 50]);
        await shared.recorded(5);
        const seen = shared.records().map((record) => (record as { item: number }).item);
        expect(seen.sort((x, y) => x - y)).toEqual(indices);
        expectShardsNumbered(scope.events, indices);
        expect(log.sorted()).toEqual([
          [0, 10],
          [1, 20],
          [2, 30],
          [3, 40],
          [4, 50],
        ]);
      },
      HANG,
    );

    it(
      "names a failed item by indices in its MethodError and its call:retry and call:fail",
      async () => {
        const method = bound("failingRetried");
        const scope = new TestScope(true);
        const error = await method.map([5, 17, 6], 2, scope, { indices: [10, 40, 41] }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MethodError);
        expect(error).toMatchObject({ method: "failingRetried", item: 40, attempts: 2 });
        expect((error as MethodError).message).toBe(
          "Method 'failingRetried' failed on item 40 after 2 attempts: bad row",
        );
        const calls = scope.events.flatMap((event) =>
          event.type === "call:retry" || event.type === "call:fail" ? [[event.type, event.item]] : [],
        );
        expect(calls).toEqual([
          ["call:retry", 40],
          ["call:fail", 40],
        ]);
      },
      HANG,
    );

    it(
      "with tolerate and indices, numbers a failed item's error by indices and tells failed its position",
      async () => {
        const method = bound("failing");
        const failed: number[] = [];
        const log = new DoneLog();
        const outputs = await method.map([17, 1, 17], 2, new TestScope(true), {
          tolerate: true,
          indices: [2, 5, 8],
          failed: (position) => failed.push(position),
          done: log.done,
        });
        expect(failed.sort((x, y) => x - y)).toEqual([0, 2]);
        expect(log.sorted()).toEqual([[1, 1]]);
        expect((outputs[0] as ItemFailure).error).toMatchObject({ item: 2 });
        expect((outputs[2] as ItemFailure).error).toMatchObject({ item: 8 });
        expect(outputs[1]).toBe(1);
      },
      HANG,
    );

    it(
      "numbers the items of a stream by the indices set as each is read",
      async () => {
        const method = bound("recorded");
        const indices: number[] = [];
        const scope = new TestScope(true);
        const log = new DoneLog();
        const stream = numbered(
          [
            [4, 1],
            [6, 2],
            [7, 3],
            [11, 4],
          ],
          indices,
        );
        await expect(mapStream("recorded", method, stream, scope, { indices, done: log.done })).resolves.toEqual([
          10, 20, 30, 40,
        ]);
        await shared.recorded(4);
        const seen = shared.records().map((record) => (record as { item: number }).item);
        expect(seen.sort((x, y) => x - y)).toEqual([4, 6, 7, 11]);
        expectShardsNumbered(scope.events, indices);
        expect(log.sorted().map(([position]) => position)).toEqual([0, 1, 2, 3]);
      },
      HANG,
    );

    it(
      "names a failed item of a stream by the indices set as it was read",
      async () => {
        const method = bound("failing");
        const indices: number[] = [];
        const stream = numbered(
          [
            [30, 1],
            [31, 17],
            [35, 2],
          ],
          indices,
        );
        const error = await mapStream("failing", method, stream, new TestScope(false), { indices }).catch(
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(MethodError);
        expect(error).toMatchObject({ method: "failing", item: 31, attempts: 1 });
      },
      HANG,
    );
  });
}
