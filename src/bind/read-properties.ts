import type { FlowDocument, Group, Identifier, Property, Value } from "../../grammar/ast.js";
import type { SourceText } from "../../grammar/source.js";
import { Messages } from "../../grammar/diagnostics/catalogue.js";
import { didYouMean, excerpt } from "../../grammar/diagnostics/diagnostic.js";
import type { ExecutionFlow } from "../graph/build-graph.js";
import type { GroupFacts, GroupSettings, Setting, SettingKey, SettingProblem } from "./group-facts.js";
import { suggestProperty } from "./property-suggestion.js";
import type { Report } from "./report.js";
import { toMilliseconds } from "../duration.js";

const executionFlows: readonly ExecutionFlow[] = ["sequential", "parallel", "concurrent"];

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
  const firstMention = new Map<string, Identifier>();
  for (const method of group.methods) {
    const first = firstMention.get(method.name);
    if (first !== undefined) {
      report(
        Messages.DuplicateNameInGroup,
        method.span,
        [method.name],
        [{ span: first.span, message: `'${method.name}' is first listed here.` }],
      );
      continue;
    }
    firstMention.set(method.name, method);
    methods.push(method);
  }

  let flow: ExecutionFlow | undefined;
  let flowValue: Identifier | undefined;
  const settings: { -readonly [K in SettingKey]?: Setting<number> } = {};
  const problems: SettingProblem[] = [];
  const written = new Map<string, Property>();
  let uncertain = false;

  for (const property of group.block.properties) {
    const key = property.key.name;
    if (!(knownProperties as readonly string[]).includes(key)) {
      report(Messages.UnknownProperty, property.key.span, [key, suggestProperty(key, knownProperties)]);
      uncertain = true;
      continue;
    }
    const first = written.get(key);
    if (first !== undefined) {
      report(
        Messages.DuplicateProperty,
        property.key.span,
        [key],
        [{ span: first.key.span, message: `'${key}' is first set here.` }],
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
          report(Messages.UnknownValue, value.span, [
            text,
            key,
            "'sequential', 'parallel' or 'concurrent'",
            flowHint(value),
          ]);
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
    }
  }

  const groupSettings: GroupSettings = settings;
  return {
    group,
    methods,
    flow,
    flowValue,
    settings: groupSettings,
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

function flowHint(value: Value): string {
  if (value.kind === "Identifier") return didYouMean(value.name, executionFlows);
  if (value.kind === "StringLiteral") {
    // `execution_flow: "parallel"`: the right word in quotes; say that the quotes are the problem.
    if ((executionFlows as readonly string[]).includes(value.value)) {
      return ` Write it without quotes: 'execution_flow: ${value.value};'.`;
    }
    return didYouMean(value.value, executionFlows);
  }
  return "";
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
