import type { FlowDocument, Group, Identifier, Property, Value } from "../../grammar/ast.js";
import type { SourceText } from "../../grammar/source.js";
import { Messages } from "../../grammar/diagnostics/catalogue.js";
import type { DiagnosticFix } from "../../grammar/diagnostics/diagnostic.js";
import { closestMatch, excerpt, meantText } from "../../grammar/diagnostics/diagnostic.js";
import type { ExecutionFlow } from "../graph/build-graph.js";
import type { MaxFailures, OnError } from "../../stdlib/plan.js";
import { RUN_INPUT } from "../../stdlib/plan.js";
import type {
  GroupFacts,
  GroupRouting,
  GroupSettings,
  RoutingKey,
  Setting,
  SettingKey,
  SettingProblem,
} from "./group-facts.js";
import {
  changeTo,
  changeToOneOf,
  isWrittenSequential,
  removeProperty,
  removeRepeatedName,
  sameText,
} from "./block-fixes.js";
import { propertyHint, suggestProperties } from "./property-suggestion.js";
import type { Report } from "./report.js";
import { toMilliseconds } from "../duration.js";

// The words a property takes as its value; the editor grammar (grammar/flow.tmLanguage.json) lists the same.
export const executionFlows: readonly ExecutionFlow[] = ["sequential", "parallel", "concurrent"];
export const onErrorValues: readonly OnError[] = ["fail", "skip", "settle"];
export const booleanValues: readonly string[] = ["true", "false"];

/**
 * The most workers a method may ask for. No backend can start more: a worker thread
 * is a JavaScript engine of its own, megabytes of memory each (ten thousand of them,
 * tens of gigabytes), and a `flowc worker` process holds at least three connections to
 * Redis, which accepts ten thousand clients unless configured otherwise. A larger count
 * is a typo, which would otherwise start threads until memory runs out.
 */
export const maxWorkerCount = 10_000;

/**
 * The most items in one shard. A shard travels to its worker as one message (one
 * structured clone to a thread, one job in Redis, held in memory on both sides), and a
 * shard that holds everything spreads nothing over the workers: a million items is far
 * past any use of a fixed size, and a larger one is a typo.
 */
export const maxShardSize = 1_000_000;

/** The largest value of each count, and why: what the rule on setting values says past it. */
export const upperBounds = {
  min_worker_count: { most: maxWorkerCount, why: "no backend can start more workers" },
  max_worker_count: { most: maxWorkerCount, why: "no backend can start more workers" },
  shard_size: { most: maxShardSize, why: "a shard travels to its worker as one message" },
} as const;

export const knownProperties = [
  "execution_flow",
  "min_worker_count",
  "max_worker_count",
  "retries",
  "timeout",
  "shard_size",
  "run_if",
  "fallback",
  "on_error",
  "max_failures",
  "branch_on",
  "cache",
] as const;

/**
 * Reads the block of every group into a side table, reporting repeated names, unknown
 * or repeated properties, and values that are no choice of theirs (FLOW2xxx). Numbers and
 * durations out of range are kept aside for the rules (`GroupFacts.problems`).
 */
export function readGroups(document: FlowDocument, source: SourceText, report: Report): GroupFacts[] {
  return document.groups.map((group) => readGroup(group, source, report));
}

function readGroup(group: Group, source: SourceText, report: Report): GroupFacts {
  const methods: Identifier[] = [];
  const firstMention = new Map<string, { readonly method: Identifier; readonly position: number }>();
  const atNames: { readonly name: Identifier; readonly position: number }[] = [];
  // Whether the group is sequential, read at its first repeated name.
  let ordered: boolean | undefined;
  for (const [position, method] of group.methods.entries()) {
    if (method.name.startsWith("@")) {
      atNames.push({ name: method, position });
      continue;
    }
    const first = firstMention.get(method.name);
    if (first !== undefined) {
      report(
        Messages.DuplicateNameInGroup,
        method.span,
        [method.name],
        [{ span: first.method.span, message: `'${method.name}' is first listed here.` }],
        [removeRepeatedName(group, position, first.position, (ordered ??= isWrittenSequential(group)))],
      );
      continue;
    }
    firstMention.set(method.name, { method, position });
    methods.push(method);
  }

  let flow: ExecutionFlow | undefined;
  let flowValue: Identifier | undefined;
  const settings: { -readonly [K in SettingKey]?: Setting<number> } = {};
  const routing: { -readonly [K in RoutingKey]?: GroupRouting[K] } = {};
  const problems: SettingProblem[] = [];
  const written = new Map<string, Property>();
  let uncertain = false;
  // Every key the block writes: a misspelt key is not offered one it already has.
  const keys = new Set(group.block.properties.map((property) => property.key.name));

  for (const property of group.block.properties) {
    const key = property.key.name;
    if (!(knownProperties as readonly string[]).includes(key)) {
      const meant = suggestProperties(key, knownProperties);
      const fixes = changeToOneOf(
        property.key.span,
        meant.filter((name) => !keys.has(name)),
      );
      report(Messages.UnknownProperty, property.key.span, [key, propertyHint(meant)], [], fixes);
      uncertain = true;
      continue;
    }
    const first = written.get(key);
    if (first !== undefined) {
      // The binder reads the block without it; with the same value, nothing is lost.
      const same = sameText(source, first.value.span, property.value.span);
      report(
        Messages.DuplicateProperty,
        property.key.span,
        [key],
        [{ span: first.key.span, message: `'${key}' is first set here.` }],
        [removeProperty(source, property, `Remove the second '${key}'`, same)],
      );
      continue;
    }
    written.set(key, property);

    const value = property.value;
    const text = valueText(value, source);
    switch (key) {
      case "execution_flow": {
        if (value.kind === "Identifier" && (executionFlows as readonly string[]).includes(value.name)) {
          flow = value.name as ExecutionFlow;
          flowValue = value;
        } else {
          uncertain = true;
          const meant = meantWord(value, key, executionFlows);
          report(
            Messages.UnknownValue,
            value.span,
            [text, key, "'sequential', 'parallel' or 'concurrent'", meant.hint],
            [],
            meant.fixes,
          );
        }
        break;
      }
      case "min_worker_count":
      case "max_worker_count":
      case "shard_size": {
        const count = integerAtLeast(value, 1);
        // Checked first: past 2^53 a whole number is no longer a safe integer, but it is still too large, not invalid.
        const tooLarge =
          value.kind === "NumberLiteral" && /^\d+$/.test(value.raw) && value.value > upperBounds[key].most;
        if (tooLarge) problems.push({ key, property, kind: "too large" });
        else if (count === undefined) problems.push({ key, property, kind: "invalid" });
        else settings[key] = { value: count, property };
        break;
      }
      case "retries": {
        const retries = integerAtLeast(value, 0);
        if (retries === undefined) problems.push({ key, property, kind: "invalid" });
        else settings.retries = { value: retries, property };
        break;
      }
      case "timeout": {
        const milliseconds = duration(value);
        if (milliseconds === "too long") problems.push({ key, property, kind: "too long" });
        else if (milliseconds === undefined) problems.push({ key, property, kind: "invalid" });
        else settings.timeout = { value: milliseconds, property };
        break;
      }
      case "run_if":
      case "fallback": {
        if (value.kind === "Identifier" && !value.name.startsWith("@")) {
          routing[key] = { value, property };
        } else if (value.kind === "Identifier" && value.name === RUN_INPUT) {
          report(Messages.RunInputMisplaced, value.span, [
            `is the run's input, not a method: '${key}' names a method.`,
          ]);
        } else {
          report(Messages.UnknownValue, value.span, [text, key, "the name of a method", ""]);
        }
        break;
      }
      case "on_error": {
        if (value.kind === "Identifier" && (onErrorValues as readonly string[]).includes(value.name)) {
          routing.on_error = { value: value.name as OnError, property };
        } else {
          const word = value.kind === "Identifier" ? value.name : value.kind === "StringLiteral" ? value.value : "";
          const guess = closestMatch(word, onErrorValues);
          report(
            Messages.UnknownValue,
            value.span,
            [text, key, "'fail', 'skip' or 'settle'", meantText(guess)],
            [],
            guess === undefined ? [] : [changeTo(value.span, guess)],
          );
        }
        break;
      }
      case "branch_on": {
        if (
          (value.kind === "Identifier" && !value.name.startsWith("@")) ||
          (value.kind === "StringLiteral" && value.value !== "")
        ) {
          routing.branch_on = { value: value.kind === "Identifier" ? value.name : value.value, property };
        } else {
          report(Messages.UnknownValue, value.span, [text, key, "the name of a property of the method's output", ""]);
        }
        break;
      }
      case "cache": {
        if (value.kind === "Identifier" && booleanValues.includes(value.name)) {
          routing.cache = { value: value.name === "true", property };
        } else {
          const meant = meantWord(value, key, booleanValues);
          report(Messages.UnknownValue, value.span, [text, key, "'true' or 'false'", meant.hint], [], meant.fixes);
        }
        break;
      }
      case "max_failures": {
        const limit = maxFailures(value);
        if (limit === undefined) problems.push({ key, property, kind: "invalid" });
        else routing.max_failures = { value: limit, property };
        break;
      }
    }
  }

  const runInput = readRunInput(atNames, methods.length, flow, uncertain, report);

  const groupSettings: GroupSettings = settings;
  return {
    group,
    methods,
    flow,
    flowValue,
    settings: groupSettings,
    routing,
    runInput,
    problems,
    writtenKeys: new Set(written.keys()),
    uncertain,
  };
}

/** The value as the user wrote it, as messages quote it (see `excerpt`). */
export function valueText(value: Value, source: SourceText): string {
  switch (value.kind) {
    case "Identifier":
      return excerpt(value.name);
    case "NumberLiteral":
      return excerpt(value.raw);
    case "StringLiteral":
      return excerpt(source.text.slice(value.span.start, value.span.end));
  }
}

/**
 * The hint after a value that is none of the `words` a property takes, and the fix that
 * writes the word meant: the right word in quotes (`execution_flow: "parallel"`) is told to
 * lose them; a near miss, what it misses.
 */
function meantWord(
  value: Value,
  key: string,
  words: readonly string[],
): { readonly hint: string; readonly fixes: readonly DiagnosticFix[] } {
  if (value.kind === "NumberLiteral") return { hint: "", fixes: [] };
  const written = value.kind === "Identifier" ? value.name : value.value;
  if (value.kind === "StringLiteral" && words.includes(written)) {
    return { hint: ` Write it without quotes: '${key}: ${written};'.`, fixes: [changeTo(value.span, written)] };
  }
  const guess = closestMatch(written, words);
  return { hint: meantText(guess), fixes: guess === undefined ? [] : [changeTo(value.span, guess)] };
}

/**
 * The `@input` that begins a sequential group, reporting every other name that begins with
 * `@` (FLOW2022) and every `@input` elsewhere (FLOW2023). Nothing is said about a group
 * whose block has an error that hides its flow: the error is what to fix.
 */
function readRunInput(
  atNames: readonly { readonly name: Identifier; readonly position: number }[],
  methodCount: number,
  flow: ExecutionFlow | undefined,
  uncertain: boolean,
  report: Report,
): Identifier | undefined {
  let runInput: Identifier | undefined;
  for (const { name, position } of atNames) {
    if (name.name !== RUN_INPUT) {
      const guess = closestMatch(name.name, [RUN_INPUT]);
      const fixes = guess === undefined ? [] : [changeTo(name.span, guess)];
      report(Messages.UnknownAtName, name.span, [name.name, meantText(guess)], [], fixes);
      continue;
    }
    if (uncertain && flow === undefined) continue;
    if (flow !== "sequential") {
      report(Messages.RunInputMisplaced, name.span, [
        "begins a sequential group only: it is the run's input, not a method, and has no settings of its own.",
      ]);
    } else if (position !== 0 || runInput !== undefined) {
      report(Messages.RunInputMisplaced, name.span, [
        "can only begin a sequential group: nothing flows into the run's input.",
      ]);
    } else if (methodCount === 0) {
      report(Messages.RunInputMisplaced, name.span, ["must be followed by the methods it feeds."]);
    } else {
      runInput = name;
    }
  }
  return runInput;
}

/** `3` (items) or `5%` (of the stage's items), or `undefined` when it is neither. */
function maxFailures(value: Value): MaxFailures | undefined {
  if (value.kind !== "NumberLiteral") return undefined;
  if (value.unit === "%") {
    return Number.isFinite(value.value) && value.value >= 0 && value.value <= 100
      ? { kind: "percent", value: value.value }
      : undefined;
  }
  const count = integerAtLeast(value, 0);
  return count === undefined ? undefined : { kind: "count", value: count };
}

function integerAtLeast(value: Value, least: number): number | undefined {
  if (value.kind !== "NumberLiteral" || value.unit !== undefined) return undefined;
  return Number.isSafeInteger(value.value) && value.value >= least ? value.value : undefined;
}

/** A positive duration in whole milliseconds (`250ms`, `1.5s`), `"too long"` past what a timer holds, or `undefined`. */
function duration(value: Value): number | "too long" | undefined {
  if (value.kind !== "NumberLiteral" || value.unit === undefined) return undefined;
  const milliseconds = toMilliseconds(value.value, value.unit);
  if (milliseconds === "too long") return milliseconds;
  return milliseconds !== "invalid" && milliseconds >= 1 ? milliseconds : undefined;
}
