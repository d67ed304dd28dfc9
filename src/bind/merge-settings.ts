import type { Identifier, Span } from "../../grammar/ast.js";
import { positionAt, type SourceText } from "../../grammar/source.js";
import {
  isConcurrentGroup,
  type GroupFacts,
  type GroupRouting,
  type RoutingKey,
  type Setting,
  type SettingKey,
} from "./group-facts.js";
import type { MethodSettings } from "./types.js";

/** Where each merged setting of one method was written; rules point their diagnostics there. */
export interface MethodOrigins {
  /** The `parallel` of the first `execution_flow: parallel` group that lists the method. */
  readonly parallel: Identifier | undefined;
  readonly settings: { readonly [K in SettingKey]?: Setting<number> };
  /** The first value of each routing property (`run_if`, `fallback`, `on_error`, `max_failures`, `branch_on`, `cache`). */
  readonly routing: GroupRouting;
  /** Whether some group listing the method writes `min_worker_count`, even with an invalid value. */
  readonly minWorkersWritten: boolean;
  /** The concurrent groups (of two methods or more) that list the method. */
  readonly concurrentGroups: readonly GroupFacts[];
  /** Whether a group listing the method has an error that hides its flow (see `GroupFacts.uncertain`). */
  readonly uncertain: boolean;
  /** Settings written again with another value than the first one, which wins (`consistentSettings` reports them). */
  readonly conflicts: readonly SettingConflict[];
}

/** A setting of one method written twice with different values. */
export interface SettingConflict {
  readonly key: SettingKey | RoutingKey;
  /** The first value written, which the method keeps. */
  readonly first: Setting<unknown>;
  /** The later value that disagrees. */
  readonly here: Setting<unknown>;
}

export interface MergedSettings {
  readonly settings: ReadonlyMap<string, MethodSettings>;
  readonly origins: ReadonlyMap<string, MethodOrigins>;
}

const settingKeys: readonly SettingKey[] = ["min_worker_count", "max_worker_count", "retries", "timeout", "shard_size"];
const routingKeys: readonly RoutingKey[] = ["run_if", "fallback", "on_error", "max_failures", "branch_on", "cache"];

/** Whether two values of one setting say the same: names and limits by what they say, not where. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return a === b;
  return JSON.stringify(comparable(a)) === JSON.stringify(comparable(b));
}

function comparable(value: object): unknown {
  return "kind" in value && value.kind === "Identifier" && "name" in value ? value.name : value;
}

/** `etl.flow:3:12`: where a span starts, as printed in messages. */
export function locate(source: SourceText, span: Span): string {
  const { line, column } = positionAt(source, span.start);
  return `${source.path}:${line}:${column}`;
}

/**
 * Merges the settings of every group that lists a method. Modes add up (a method is
 * parallel when any group says so, and concurrent with the members of every concurrent
 * group it is in); a numeric setting written twice keeps its first value, and a later
 * value that disagrees is kept as a conflict for the rules.
 */
export function mergeSettings(nodes: readonly string[], groups: readonly GroupFacts[]): MergedSettings {
  interface Draft {
    parallel: Identifier | undefined;
    settings: { [K in SettingKey]?: Setting<number> };
    routing: { [K in RoutingKey]?: Setting<unknown> };
    minWorkersWritten: boolean;
    concurrentGroups: GroupFacts[];
    uncertain: boolean;
    conflicts: SettingConflict[];
  }
  const drafts = new Map<string, Draft>();
  for (const name of nodes) {
    drafts.set(name, {
      parallel: undefined,
      settings: {},
      routing: {},
      minWorkersWritten: false,
      concurrentGroups: [],
      uncertain: false,
      conflicts: [],
    });
  }

  for (const facts of groups) {
    for (const method of facts.methods) {
      const draft = drafts.get(method.name);
      if (draft === undefined) continue;
      if (facts.flow === "parallel" && draft.parallel === undefined && facts.flowValue !== undefined) {
        draft.parallel = facts.flowValue;
      }
      if (isConcurrentGroup(facts)) draft.concurrentGroups.push(facts);
      if (facts.writtenKeys.has("min_worker_count")) draft.minWorkersWritten = true;
      if (facts.uncertain) draft.uncertain = true;
      for (const key of settingKeys) {
        const here = facts.settings[key];
        if (here === undefined) continue;
        const first = draft.settings[key];
        if (first === undefined) {
          draft.settings[key] = here;
        } else if (first.value !== here.value) {
          draft.conflicts.push({ key, first, here });
        }
      }
      for (const key of routingKeys) {
        const here: Setting<unknown> | undefined = facts.routing[key];
        if (here === undefined) continue;
        const first = draft.routing[key];
        if (first === undefined) draft.routing[key] = here;
        else if (!sameValue(first.value, here.value)) draft.conflicts.push({ key, first, here });
      }
    }
  }

  const settings = new Map<string, MethodSettings>();
  const origins = new Map<string, MethodOrigins>();
  for (const [name, draft] of drafts) {
    const routing = draft.routing as GroupRouting;
    settings.set(name, {
      mode: draft.parallel === undefined ? "single" : "parallel",
      concurrent: draft.concurrentGroups.length > 0,
      minWorkers: draft.settings.min_worker_count?.value,
      maxWorkers: draft.settings.max_worker_count?.value,
      retries: draft.settings.retries?.value,
      timeoutMs: draft.settings.timeout?.value,
      shardSize: draft.settings.shard_size?.value,
      runIf: routing.run_if?.value.name,
      fallback: routing.fallback?.value.name,
      onError: routing.on_error?.value,
      maxFailures: routing.max_failures?.value,
      branchOn: routing.branch_on?.value,
      cache: routing.cache?.value ?? true,
    });
    origins.set(name, {
      parallel: draft.parallel,
      settings: draft.settings,
      routing,
      minWorkersWritten: draft.minWorkersWritten,
      concurrentGroups: draft.concurrentGroups,
      uncertain: draft.uncertain,
      conflicts: draft.conflicts,
    });
  }
  return { settings, origins };
}
