import type { Rule } from "../rule-context.js";
import { concurrentGroupSize } from "./concurrent-group-size.js";
import { consistentSettings } from "./consistent-settings.js";
import { concurrentIndependence } from "./concurrent-independence.js";
import { emptyManifest } from "./empty-manifest.js";
import { methodsInFlow } from "./methods-in-flow.js";
import { noCycles } from "./no-cycles.js";
import { parallelNeedsMinWorkers } from "./parallel-needs-min-workers.js";
import { workerCapacity } from "./worker-capacity.js";
import { workerCountRange } from "./worker-count-range.js";
import { parallelSettingsNeedParallel } from "./parallel-settings-need-parallel.js";
import { settingValues } from "./setting-values.js";
import { settleNeedsParallel } from "./settle-needs-parallel.js";
import { maxFailuresNeedTolerance } from "./max-failures-need-tolerance.js";
import { guardIsNotItself } from "./guard-is-not-itself.js";
import { branchHasSuccessors } from "./branch-has-successors.js";

/** Every semantic rule, in the order they run. Diagnostics are sorted by position afterwards. */
export const specifiedRules: readonly Rule[] = [
  emptyManifest,
  settingValues,
  consistentSettings,
  noCycles,
  parallelSettingsNeedParallel,
  workerCountRange,
  parallelNeedsMinWorkers,
  concurrentGroupSize,
  concurrentIndependence,
  methodsInFlow,
  workerCapacity,
  settleNeedsParallel,
  maxFailuresNeedTolerance,
  guardIsNotItself,
  branchHasSuccessors,
];
