/**
 * The one catalogue of every diagnostic flowc can report.
 *
 * Codes are grouped by the phase that reports them:
 *   FLOW1xxx  syntax (grammar/: lexer, parser, tree builder; and the per-file limit, diagnostics/limit.ts)
 *   FLOW2xxx  names, imports (resolve) and what the groups and statements say (bind);
 *             at emit, the paths a runner imports its modules by (FLOW2018, FLOW2019)
 *   FLOW3xxx  the rules of the check phase, one file each (src/check/rules/), and nothing else
 *   FLOW4xxx  types of the methods and of the data between them (type-check); at emit, the
 *             runner's module format (FLOW4014)
 *
 * Messages use `{0}`, `{1}`, … placeholders filled by `createDiagnostic`.
 * Tests assert that every code is unique and documented in grammar/REFERENCE.md, and that
 * each is reported only by the phase its block names (test/architecture/phases.test.ts).
 */

import { DemandMessages } from "../../stdlib/demand.js";

export type Severity = "error" | "warning";

export interface DiagnosticMessage {
  readonly code: number;
  readonly severity: Severity;
  readonly message: string;
}

export const Messages = {
  // ── FLOW1xxx: syntax ────────────────────────────────────────────────────
  UnexpectedToken: { code: 1001, severity: "error", message: "Expected {0} but found {1}." },
  UnexpectedCharacter: { code: 1002, severity: "error", message: "Unexpected character {0}." },
  UnterminatedComment: { code: 1003, severity: "error", message: "Unterminated block comment: add '*/'." },
  UnterminatedString: { code: 1004, severity: "error", message: "Unterminated string literal." },
  MismatchedBlockClose: {
    code: 1005,
    severity: "error",
    message: "A block opened with '{0}' must be closed with '{1}', not '{2}'.",
  },
  UnexpectedEndOfFile: { code: 1006, severity: "error", message: "Unexpected end of file: expected {0}." },
  InvalidEscapeSequence: { code: 1007, severity: "error", message: "Invalid escape sequence '{0}' in string literal." },
  MisplacedImport: {
    code: 1008,
    severity: "error",
    message: "Imports must come first, above every group and the outer '{'.",
  },
  UnclosedBlock: {
    code: 1009,
    severity: "error",
    message: "Expected '{0}' to close the block opened at {1} (found {2}).",
  },
  MisplacedBackend: {
    code: 1010,
    severity: "error",
    message: "The backend must be declared at the top, with the imports, above every group and the outer '{'.",
  },
  DottedName: {
    code: 1013,
    severity: "error",
    message:
      "A method must be a top-level exported function, and '{0}' names a member of '{1}': export a function that calls it ({2}) and name that function here.",
  },
  BackendWithoutSemicolon: {
    code: 1014,
    severity: "error",
    message: "The backend statement '{0}' must end with ';'.",
  },
  // Reported for a file as a whole, whichever phases found the diagnostics it counts (see diagnostics/limit.ts).
  MoreErrorsNotShown: {
    code: 1011,
    severity: "error",
    message: "Only the first {0} diagnostics of this file are shown: {1}.",
  },
  MoreWarningsNotShown: {
    code: 1012,
    severity: "warning",
    message: "Only the first {0} diagnostics of this file are shown: {1} from here.",
  },

  // ── FLOW2xxx: names, imports, properties ────────────────────────────────
  InvalidIdentifier: {
    code: 2001,
    severity: "error",
    message: "'{0}' cannot name a method: it is a reserved word in TypeScript.",
  },
  ModuleNotFound: { code: 2002, severity: "error", message: "Cannot find module '{0}' (looked for {1})." },
  MethodNotExported: { code: 2003, severity: "error", message: "Module '{0}' has no exported member '{1}'.{2}" },
  DuplicateNameInGroup: { code: 2004, severity: "error", message: "'{0}' is listed twice in this group." },
  DuplicateImport: { code: 2005, severity: "error", message: "'{0}' is imported more than once." },
  UnknownProperty: { code: 2006, severity: "error", message: "Unknown property '{0}'.{1}" },
  UnknownValue: { code: 2007, severity: "error", message: "'{0}' is not a valid value for '{1}'; expected {2}.{3}" },
  DuplicateProperty: { code: 2008, severity: "error", message: "Property '{0}' is set twice in this block." },
  NotAFunction: { code: 2009, severity: "error", message: "'{0}' exported by '{1}' is not a function." },
  UnusedImport: { code: 2010, severity: "warning", message: "'{0}' is imported but never used." },
  PrototypeKeyName: {
    code: 2011,
    severity: "error",
    message:
      "'{0}' cannot name a method: the runner keys objects by method name, and in JavaScript that key would set an object's prototype instead.",
  },
  NotImported: {
    code: 2012,
    severity: "error",
    message: "'{0}' is not imported, and {1}; did you mean '{2}' ({3})?",
  },
  DuplicateBackend: { code: 2013, severity: "error", message: "The backend is declared more than once." },
  ModulePathNotUrlSafe: {
    code: 2018,
    severity: "error",
    message:
      "The path of module '{0}' contains {1}, {2}: Node, which reads import paths as URLs, would load another file " +
      "than the one checked here. Rename the file or folder (and this import) without it.",
  },
  DefaultModulePathNotUrlSafe: {
    code: 2019,
    severity: "error",
    message:
      "The default module '{0}' of this manifest has {1} in its path, {2}: Node, which reads import paths as URLs, " +
      "would load another file than the one checked here. Rename the manifest and its methods module without it, " +
      "or import the methods from a module whose path has none.",
  },
  ThenName: {
    code: 2020,
    severity: "error",
    message:
      "'then' cannot name a method: a module or an object with a 'then' function is a thenable, so 'await' and 'import()' would call it instead of handing it on. Rename it.",
  },
  ThenableModule: {
    code: 2021,
    severity: "error",
    message:
      "Module '{0}' exports 'then', which makes it a thenable: importing it would call 'then' instead of giving its methods. Rename the export.",
  },
  UnknownAtName: {
    code: 2022,
    severity: "error",
    message: "'{0}' is not known: the one name that begins with '@' is '@input', the run's input.{1}",
  },
  RunInputMisplaced: { code: 2023, severity: "error", message: "'@input' {0}" },
  ImportedAtName: {
    code: 2024,
    severity: "error",
    message: "'{0}' cannot be imported: a name that begins with '@' is no method ('@input' is the run's input).",
  },

  // ── FLOW3xxx: graph rules ───────────────────────────────────────────────
  Cycle: { code: 3001, severity: "error", message: "This declaration closes a cycle: {0}." },
  InvalidWorkerCount: {
    code: 3002,
    severity: "error",
    message: "'{0}' must be a positive integer (1 or more), not '{1}'.",
  },
  MaxBelowMin: {
    code: 3003,
    severity: "error",
    message: "'max_worker_count' ({0}) of '{1}' is less than its 'min_worker_count' ({2}).",
  },
  WorkerCountOnNonParallel: {
    code: 3004,
    severity: "error",
    message: "'{0}' is set for '{1}', which is not parallel; add 'execution_flow: parallel;' or remove it.",
  },
  ConflictingSetting: {
    code: 3005,
    severity: "error",
    message: "'{0}' of '{1}' is set to '{2}' here but to '{3}' at {4}.",
  },
  ConcurrentTooFew: {
    code: 3006,
    severity: "error",
    message: "A concurrent group needs at least two methods; '{0}' has no partner.",
  },
  ConcurrentDependent: {
    code: 3007,
    severity: "error",
    message: "'{0}' and '{1}' cannot run concurrently: {2}.",
  },
  MethodInNoFlow: {
    code: 3008,
    severity: "warning",
    message: "'{0}' is not part of any flow: it has no edge and runs on its own with the run's input.",
  },
  // The runtime refuses a runner's `workers` with the same words (stdlib/demand.ts).
  StageExceedsWorkers: { code: 3009, severity: "error", message: DemandMessages.alone },
  ConcurrentStagesExceedWorkers: { code: 3010, severity: "error", message: DemandMessages.together },
  InvalidRetries: { code: 3011, severity: "error", message: "'retries' must be a whole number 0 or more, not '{0}'." },
  InvalidTimeout: {
    code: 3012,
    severity: "error",
    message: "'timeout' must be a positive duration such as 250ms, 30s or 5m, not '{0}'.",
  },
  EmptyManifest: { code: 3013, severity: "error", message: "The manifest declares no methods." },
  ParallelWithoutMin: {
    code: 3014,
    severity: "warning",
    message: "'{0}' is parallel without 'min_worker_count'; it runs on at least 1 worker.",
  },
  // 3015 stays unassigned: the execution flows describe independent facts (edges,
  // simultaneity, scale-out), so no combination of them on one method contradicts another.
  CountTooLarge: {
    code: 3016,
    severity: "error",
    message: "'{0}' must be at most {1}, not '{2}': {3}.",
  },
  TimeoutTooLong: { code: 3017, severity: "error", message: "'timeout' must be at most {0}, not '{1}'." },
  InvalidMaxFailures: {
    code: 3018,
    severity: "error",
    message: "'max_failures' must be a whole number 0 or more, or a percentage from 0% to 100%, not '{0}'.",
  },
  SettleNeedsParallel: {
    code: 3019,
    severity: "error",
    message:
      "'on_error: settle' applies to parallel methods, whose output has an item for each input; '{0}' is not parallel. Write 'on_error: skip;' to skip it when its call fails.",
  },
  MaxFailuresWithoutTolerance: {
    code: 3020,
    severity: "error",
    message: "'max_failures' of '{0}' has nothing to limit: {1}",
  },
  GuardIsItself: {
    code: 3021,
    severity: "error",
    message: "'{0}' of '{1}' names '{1}' itself: {2}",
  },
  BranchWithoutSuccessors: {
    code: 3022,
    severity: "error",
    message: "'branch_on' of '{0}' has nothing to route: no method takes its output.",
  },
  BranchOnParallel: {
    code: 3023,
    severity: "error",
    message:
      "'branch_on' routes the output of a single method; '{0}' is parallel, and its output is an array of its items' outputs.",
  },

  // ── FLOW4xxx: types ─────────────────────────────────────────────────────
  EdgeTypeMismatch: {
    code: 4001,
    severity: "error",
    message: "The output of {0} does not fit the input of '{1}': type '{2}' is not assignable to type '{3}'.{4}",
  },
  ParallelInputNotArray: {
    code: 4002,
    severity: "error",
    message:
      "'{0}' is parallel, so it must receive an array (or an iterable object) of its input, but it receives '{2}' from {1}.",
  },
  TooManyParameters: {
    code: 4003,
    severity: "error",
    message: "'{0}' has {1} required parameters; a method takes at most an input and a run context.",
  },
  BadContextParameter: {
    code: 4004,
    severity: "error",
    message: "The second parameter of '{0}' has type '{1}', which a run context ('RunContext') cannot be assigned to.",
  },
  IncompatibleRunInputs: {
    code: 4005,
    severity: "error",
    message: "The methods that receive the run's input disagree on its type: {0}.",
  },
  TypeScriptError: { code: 4006, severity: "error", message: "{0}" },
  NotCloneable: {
    code: 4007,
    severity: "error",
    message: "Values from {0} to {1} cross between threads, but {2}.",
  },
  NotJsonSafe: {
    code: 4008,
    severity: "error",
    message: "Values from {0} to {1} travel as JSON with the 'bullmq' backend, but {2}.",
  },
  JsonSafetyUnproven: {
    code: 4009,
    severity: "warning",
    message:
      "Values from {0} to {1} travel as JSON with the 'bullmq' backend, but flowc cannot prove that they survive it: {2} could hold anything.",
  },
  NotCloneableOffThread: {
    code: 4010,
    severity: "warning",
    message:
      "Values from {0} to {1} stay in this thread with the 'inline' backend, but would cross between threads on 'threads', where {2}.",
  },
  ThisParameter: {
    code: 4011,
    severity: "error",
    message:
      "'{0}' declares 'this: {1}', but a method is called as a plain function, with no 'this'. Take what it needs as its input, or export a bound function (greeter.greet.bind(greeter)).",
  },
  ModuleTypeError: { code: 4012, severity: "error", message: "TS{0}: {1}" },
  TsConfigError: { code: 4013, severity: "error", message: "TS{0}: {1}" },
  RunnerNotModule: {
    code: 4014,
    severity: "warning",
    message: "The runner {0} is an ES module (it uses 'import.meta'), but TypeScript would compile it as CommonJS: {1}",
  },
  NoMatchingOverload: {
    code: 4015,
    severity: "error",
    message: "No overload of '{0}' accepts what {1} sends ('{2}'): {3}",
  },
  JavaScriptWithoutAllowJs: {
    code: 4016,
    severity: "error",
    message:
      "'{0}' is a JavaScript module, which TypeScript reads only with 'allowJs' (and checks with 'checkJs'): add them to the compilerOptions of {1}.",
  },
  PredicateInputMismatch: {
    code: 4017,
    severity: "error",
    message: "What '{0}' receives does not fit its predicate '{1}': type '{2}' is not assignable to type '{3}'.{4}",
  },
  PredicateNotBoolean: {
    code: 4018,
    severity: "error",
    message: "The predicate '{0}' of '{1}' returns '{2}', not a boolean.",
  },
  FallbackInputMismatch: {
    code: 4019,
    severity: "error",
    message: "What '{0}' receives does not fit its fallback '{1}': type '{2}' is not assignable to type '{3}'.{4}",
  },
  FallbackOutputMismatch: {
    code: 4020,
    severity: "error",
    message:
      "The output of the fallback '{0}' cannot stand in for the output of '{1}': type '{2}' is not assignable to type '{3}'.{4}",
  },
  BranchNotDiscriminated: {
    code: 4021,
    severity: "error",
    message: "'branch_on: {0}' needs the output of '{1}' to be a union whose every member has a literal '{0}': {2}",
  },
  BranchNotExhaustive: {
    code: 4022,
    severity: "error",
    message:
      "No successor of '{0}' accepts its output when '{1}' is {2}: add a successor that takes {3}, or widen the parameter of one.",
  },
  BranchSuccessorAcceptsNothing: {
    code: 4023,
    severity: "error",
    message: "'{0}' accepts no variant of the output of '{1}' ('{2}'), so 'branch_on: {3}' never routes to it.",
  },
  NotStorable: {
    code: 4024,
    severity: "warning",
    message:
      "The output of '{0}' cannot be stored in a run's journal, which keeps {1}: {2}. Its calls will be neither stored nor reused on --resume; write 'cache: false;' for '{0}', or return plain data.",
  },
} as const satisfies Record<string, DiagnosticMessage>;

export type MessageName = keyof typeof Messages;

/** Fills `{0}`, `{1}`, … in a catalogue message. */
export function formatMessage(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const arg = args[Number(index)];
    return arg === undefined ? whole : String(arg);
  });
}
