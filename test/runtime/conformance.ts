/**
 * The behaviour every backend must show, written against the public runtime
 * API only. Each backend runs it from its own test file:
 *
 *   describeBackendConformance("inline", () => inline());
 *
 * Concurrency is proven with latches (a call waits until others are in
 * flight, so a backend that serialised them would never finish), never with
 * sleeps and timings; the per-test timeout only turns such a hang into a
 * failure with the test's name.
 *
 * Parallel methods come from a fixture module (test/fixtures/threads/), which
 * every runner is told about through `modules`, so that backends that import
 * methods in other threads run exactly what in-process backends call; they
 * report what a test observes through shared memory. Single methods are
 * closures, except in the failure and cancellation sections
 * (./conformance-failures.ts), which a backend may run against workers in
 * other processes (`isolated`), where only the transport reaches the test.
 */
import { describe } from "vitest";
import type { Backend } from "../../stdlib/index.js";
import { describeCancellation, describeFailures } from "./conformance-failures.js";
import { describeDataFlow, describeScheduling } from "./conformance-flow.js";
import { conformanceRunners } from "./conformance-harness.js";
import { describeMaps } from "./conformance-maps.js";
import { describeEvents, describeLifecycle, describeRefusals } from "./conformance-runner.js";
import { describeRouting } from "./conformance-routing.js";
import { describeJournal } from "./conformance-journal.js";

export interface ConformanceOptions {
  /**
   * The backend for the failure and cancellation sections, when the one
   * under test would run their methods in the test's own process: one whose
   * workers share nothing with the test, so that an error or an abort
   * reason can only arrive the way a real deployment's would.
   */
  readonly isolated?: () => Backend;
}

export function describeBackendConformance(
  name: string,
  makeBackend: () => Backend,
  options: ConformanceOptions = {},
): void {
  describe(`backend conformance: ${name}`, () => {
    const make = conformanceRunners(makeBackend);
    describeDataFlow(make);
    describeScheduling(make);
    describeRouting(make);
    describeJournal(make);
    const isolated = options.isolated;
    if (isolated === undefined) {
      describeFailures(make);
      describeCancellation(make);
    } else {
      describe("on isolated workers", () => {
        const makeIsolated = conformanceRunners(isolated);
        describeFailures(makeIsolated);
        describeCancellation(makeIsolated);
      });
    }
    describeRefusals(make);
    describeEvents(make);
    describeLifecycle(make);
    describeMaps(makeBackend);
  });
}
