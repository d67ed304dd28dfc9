import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { FlowEvent, Runner, RunnerOptions } from "../../stdlib/api.js";
import { CancelledError } from "../../stdlib/errors.js";
import { createRunner, runOnce } from "../../stdlib/index.js";
import { chain } from "./plans.js";

const scratch = mkdtempSync(join(tmpdir(), "flowc-run-once-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const methods = { a: (x: number) => x + 1, b: (x: number) => x * 2 };

/** A runner factory like a generated runner's `createRunner`, recording what it was given and whether it closed. */
function recordingFactory() {
  const seen: { options?: RunnerOptions; closed: boolean } = { closed: false };
  const create = (options: RunnerOptions): Runner<number, number> => {
    seen.options = options;
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
