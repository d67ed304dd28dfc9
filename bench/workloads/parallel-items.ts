/**
 * What the workloads that apply one method to many items (W2, W2b) share
 * with their contenders: the items, the method itself for contenders that
 * call it in this thread, and where its module is for those that import it
 * on worker threads.
 */
import type { PlanDescriptor } from "../../stdlib/index.js";
import type { GeneratedRunner } from "../harness/user-package.js";

export interface ParallelItemsSetup<I, R> {
  readonly items: readonly I[];
  /** A plan of the one parallel method, compiled from the workload's manifest. */
  readonly plan: PlanDescriptor;
  readonly method: (item: I) => R;
  /** The module exporting the method under `exportName`, for worker threads. */
  readonly module: URL;
  readonly exportName: string;
  /** The folder of the manifest: what a generated runner passes as `moduleBase`. */
  readonly moduleBase: URL;
  /** Threads a pool gets: one per core, as flowc's threads backend takes by default. */
  readonly threads: number;
  /** The runner `flowc build` generated for the manifest, compiled and imported, for the contenders that call it. */
  readonly generated?: GeneratedRunner<readonly I[], R[]> | undefined;
}
