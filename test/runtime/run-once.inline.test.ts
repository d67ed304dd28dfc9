import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { FlowEvent, Runner, RunnerOptions } from "../../stdlib/api.js";
import { CancelledError } from "../../stdlib/errors.js";
import { createRunner, runOnce, sharedRunner, sqliteStore } from "../../stdlib/index.js";
import { chain } from "./plans.js";

const scratch = mkdtempSync(join(tmpdir(), "flowc-run-once-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const methods = { a: (x: number) => x + 1, b: (x: number) => x * 2 };

/** A runner factory like a generated runner's `createRunner`, recording what it was given and whether it closed. */
function recordingFactory() {
  const seen: { options?: RunnerOptions; closed: boolean; created: number } = { closed: false, created: 0 };
  const create = (options: RunnerOptions): Runner<number, number> => {
    seen.options = options;
    seen.created++;
    const runner = createRunner<number, number>(chain("a", "b"), methods, options);
    return {
      plan: runner.plan,
      run: (input, runOptions) => runner.run(input, runOptions),
      close: async () => {
        seen.closed = true;
        await runner.close();
      },
    };
  };
  return { create, seen };
}

describe("runOnce", () => {
  it("runs once, hands runner options to the runner and closes it", async () => {
    const { create, seen } = recordingFactory();
    const events: FlowEvent["type"][] = [];
    const output = await runOnce(create, 4, { workers: 3, onEvent: (e) => events.push(e.type) });
    expect(output).toBe(10);
    expect(seen.options).toMatchObject({ workers: 3 });
    expect(seen.options).not.toHaveProperty("signal");
    expect(seen.closed).toBe(true);
    // Delivered once each: onEvent went to the runner only.
    expect(events.filter((t) => t === "run:start")).toHaveLength(1);
  });

  it("passes the run's signal and trace to the run, and closes the runner when it fails", async () => {
    const { create, seen } = recordingFactory();
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    const trace = join(scratch, "cancelled.json");
    await expect(runOnce(create, 1, { signal: controller.signal, trace })).rejects.toBeInstanceOf(CancelledError);
    expect(seen.closed).toBe(true);
    expect(seen.options).not.toHaveProperty("trace");
    expect(JSON.parse(readFileSync(trace, "utf8"))).toHaveProperty("traceEvents");
  });
});

describe("sharedRunner", () => {
  it("keeps one runner across runs until it is closed, then starts another", async () => {
    const { create, seen } = recordingFactory();
    const shared = sharedRunner(create);
    expect(seen.created).toBe(0);
    expect(await shared.run(1)).toBe(4);
    expect(await Promise.all([shared.run(2), shared.run(3, {})])).toEqual([6, 8]);
    expect(seen.created).toBe(1);
    expect(seen.closed).toBe(false);
    await shared.close();
    expect(seen.closed).toBe(true);
    expect(await shared.run(4)).toBe(10);
    expect(seen.created).toBe(2);
    await shared.close();
  });

  it("gives a run with runner options a runner of its own, closed when it settles", async () => {
    const { create, seen } = recordingFactory();
    const shared = sharedRunner(create);
    const events: FlowEvent["type"][] = [];
    expect(await shared.run(1, { workers: 2, onEvent: (e) => events.push(e.type) })).toBe(4);
    expect(seen).toMatchObject({ created: 1, closed: true, options: { workers: 2 } });
    expect(events).toContain("run:end");
    // Options left undefined are no options: the kept runner serves that run.
    seen.closed = false;
    expect(await shared.run(1, { workers: undefined, signal: undefined })).toBe(4);
    expect(seen).toMatchObject({ created: 2, closed: false });
    await shared.close();
  });

  it("gives a run a runner of its own for each runner option, and keeps its runner for anything else", async () => {
    // Every runner option, set: the compiler refuses this object when `RunnerOptions` gains one.
    const every: { readonly [K in keyof RunnerOptions]-?: Exclude<RunnerOptions[K], undefined> } = {
      backend: "inline",
      workers: 2,
      retryBackoff: { baseMs: 1, maxMs: 2 },
      moduleBase: new URL(".", import.meta.url),
      modules: {},
      onEvent: () => undefined,
      store: sqliteStore(join(scratch, "journal")),
    };
    const { create, seen } = recordingFactory();
    const shared = sharedRunner(create);
    expect(await shared.run(1)).toBe(4);
    for (const [option, value] of Object.entries(every)) {
      const created = seen.created;
      expect(await shared.run(1, { [option]: value }), option).toBe(4);
      expect(seen.created, option).toBe(created + 1);
      expect(seen.options, option).toEqual({ [option]: value });
    }
    const created = seen.created;
    const notAnOption = { signal: new AbortController().signal, trace: undefined, colour: "blue" };
    expect(await shared.run(1, notAnOption)).toBe(4);
    expect(seen.created).toBe(created);
    await shared.close();
    await every.store.close();
  });

  it("keeps its runner usable after a cancelled run", async () => {
    const { create, seen } = recordingFactory();
    const shared = sharedRunner(create);
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(shared.run(1, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(await shared.run(1)).toBe(4);
    expect(seen).toMatchObject({ created: 1, closed: false });
    await shared.close();
  });

  it("rejects the run when the runner cannot be created, and tries again on the next", async () => {
    let attempts = 0;
    const shared = sharedRunner<number, number>((options) => {
      attempts++;
      if (attempts === 1) throw new Error("refused");
      return createRunner<number, number>(chain("a", "b"), methods, options);
    });
    const first = shared.run(1);
    await expect(first).rejects.toThrow("refused");
    expect(await shared.run(1)).toBe(4);
    expect(attempts).toBe(2);
    await shared.close();
  });

  it("closes nothing when no run made a runner", async () => {
    const { create, seen } = recordingFactory();
    await sharedRunner(create).close();
    expect(seen).toMatchObject({ created: 0, closed: false });
  });
});
