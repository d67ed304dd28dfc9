/**
 * The backend kit: what every backend (inline, threads, bullmq, and any
 * written outside this package) builds on, so that each behaviour is written
 * once and reads the same on every backend.
 *
 * - errors: the code table, the error classes and the factories that word
 *   every message (../errors.ts, documented in ../ERRORS.md);
 * - the call policy: retries, backoff and the decision to retry
 *   (../policy.ts), over one bounded attempt with its timeout (./attempt.ts),
 *   whose attempt number comes from outside, so that bullmq's attempts,
 *   counted by BullMQ, run through the same code;
 * - worker numbers and `worker:up` / `worker:down` events (./worker-events.ts);
 * - bounded options, refused in one format (./options.ts);
 * - the peak worker demand of a plan (../demand.ts over ../graph/).
 */
export { errors, ErrorCode, FlowError, MethodError, PlanError } from "../errors.js";
export { backoffDelay, CallPolicy, isFinalFailure, sleep } from "../policy.js";
export { boundedAttempt, type Attempt, type AttemptBounds, type AttemptWatch } from "./attempt.js";
export { CALLING_THREAD, WorkerEvents, type DownReason } from "./worker-events.js";
export { countOption, durationOption, type OptionOwner } from "./options.js";
export { peakDemand, type PeakDemand } from "../demand.js";
