/**
 * The runs each cancellation signal cancels (stdlib/signal-watch.ts): a run
 * joins its signal's list when it starts and leaves it when it settles, in any
 * order; an abort cancels exactly the runs still in the list, once each.
 */
import { describe, expect, it } from "vitest";
import { SignalWatcher } from "../../stdlib/signal-watch.js";

class Watcher extends SignalWatcher {
  readonly cancelled: unknown[] = [];
  constructor(readonly id: number) {
    super();
  }
  cancel(reason: unknown): void {
    this.cancelled.push(reason);
    this.leave();
  }
  join(signal: AbortSignal): this {
    this.watch(signal);
    return this;
  }
  leave(): void {
    this.unwatch();
  }
}

/** Which of `watchers` an abort of their signal cancelled. */
function abortAll(controller: AbortController, watchers: readonly Watcher[]): number[] {
  controller.abort("stop");
  for (const watcher of watchers) expect(watcher.cancelled.length).toBeLessThanOrEqual(1);
  return watchers.filter((watcher) => watcher.cancelled.length > 0).map((watcher) => watcher.id);
}

describe("signal watchers", () => {
  // Every order in which some of four watchers leave before the abort.
  const leavings = [[], [0], [3], [1], [1, 2], [2, 1], [0, 3], [3, 0], [1, 0, 3], [0, 1, 2, 3], [2, 3, 1]];
  for (const leaving of leavings) {
    it(`cancels the watchers left after ${leaving.join(", ") || "none"} left`, () => {
      const controller = new AbortController();
      const watchers = [0, 1, 2, 3].map((id) => new Watcher(id).join(controller.signal));
      for (const id of leaving) watchers[id]?.leave();
      expect(abortAll(controller, watchers)).toEqual([0, 1, 2, 3].filter((id) => !leaving.includes(id)));
      expect(watchers.flatMap((watcher) => watcher.cancelled)).toEqual(
        Array.from({ length: 4 - leaving.length }, () => "stop"),
      );
    });
  }

  it("keeps the watchers of different signals apart, and lets a watcher leave twice", () => {
    const first = new AbortController();
    const second = new AbortController();
    const a = new Watcher(0).join(first.signal);
    const b = new Watcher(1).join(second.signal);
    a.leave();
    a.leave();
    expect(abortAll(second, [a, b])).toEqual([1]);
    const c = new Watcher(2).join(first.signal);
    expect(abortAll(first, [a, b, c])).toEqual([1, 2]);
  });

  it("lets a watcher join again after it left, and cancels it once", () => {
    const controller = new AbortController();
    const watcher = new Watcher(0).join(controller.signal);
    watcher.leave();
    watcher.join(controller.signal);
    expect(abortAll(controller, [watcher])).toEqual([0]);
  });
});
