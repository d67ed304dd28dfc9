/**
 * `flowc/runtime`: what generated runners import. Runners are written against
 * the types of api.ts; the rest is the implementation behind `createRunner`.
 */
export type {
  AnyMethod,
  Backend,
  BackendMethod,
  BackendName,
  BackendOpenOptions,
  BackendSession,
  BackoffSettings,
  CallInfo,
  CallScope,
  Discriminant,
  Fits,
  FlowEvent,
  FlowEventType,
  Item,
  Items,
  ItemStream,
  MethodInput,
  MethodOutput,
  MapOptions,
  MethodTable,
  RetryBackoff,
  Routed,
  RunInputPart,
  RunContext,
  Runner,
  RunnerOptions,
  RunOptions,
  Settled,
  SettledError,
  SkipReason,
} from "./api.js";
export type { Branch, DiscriminantValue, MaxFailures, OnError, PlanDescriptor, PlanEdge, PlanMethod } from "./plan.js";
export { PLAN_FORMAT, RUN_INPUT } from "./plan.js";
export { createRunner } from "./runner.js";
export { runOnce, sharedRunner, type SharedRunner } from "./run-once.js";
export { inline } from "./backends/inline.js";
export { DEFAULT_THREADS_OPTIONS, threads, type ThreadsOptions } from "./backends/threads/index.js";
export {
  bullmq,
  createWorker,
  type BullmqOptions,
  type FlowWorker,
  type RedisConnection,
  type WorkerOptions,
  type WorkerProcessOptions,
} from "./backends/bullmq/index.js";
export { DEFAULT_RUNNER_OPTIONS } from "./options.js";
export type {
  CleanOptions,
  JournalEntry,
  ListOptions,
  MethodRecord,
  MethodStatus,
  NewRun,
  RunEnd,
  RunOwner,
  RunRecord,
  RunStatus,
  RunStore,
  Stored,
} from "./journal/store.js";
export { sqliteStore } from "./journal/sqlite-store.js";
export { redisStore } from "./journal/redis-store.js";
export { DEFAULT_STORE_OPTIONS, type RedisStoreOptions, type SqliteStoreOptions } from "./journal/options.js";
export { createTraceRecorder, traceRun, type TraceEvent, type TraceFile, type TraceRecorder } from "./trace.js";
export {
  CancelledError,
  ErrorCode,
  FlowError,
  isCancelled,
  isNonRetryable,
  JournalError,
  MethodError,
  MethodTimeoutError,
  NonRetryableError,
  NotCloneableError,
  ParallelInputError,
  PayloadError,
  PlanError,
  RunBusyError,
  TooFewWorkersError,
  WorkerCapError,
  WorkerCrashError,
} from "./errors.js";
// For backends written outside this package: the shared call policy and the peak-demand analysis.
export { backoffDelay, CallPolicy, sleep, type Attempt } from "./policy.js";
export { peakDemand, type PeakDemand } from "./demand.js";
