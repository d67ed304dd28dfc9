import type { Group, Identifier, Property } from "../../grammar/ast.js";
import type { MaxFailures, OnError } from "../../stdlib/plan.js";
import type { ExecutionFlow } from "../graph/build-graph.js";

/** A valid property value together with the property that wrote it. */
export interface Setting<T> {
  readonly value: T;
  readonly property: Property;
}

/** The numeric per-method settings a group can hold, by property key. */
export interface GroupSettings {
  readonly min_worker_count?: Setting<number>;
  readonly max_worker_count?: Setting<number>;
  readonly retries?: Setting<number>;
  /** In milliseconds. */
  readonly timeout?: Setting<number>;
  /** Items per shard of a parallel method. */
  readonly shard_size?: Setting<number>;
}

export type SettingKey = keyof GroupSettings;

/**
 * What a group says about how its methods' calls are routed: a predicate (`run_if`), a
 * `fallback`, `on_error`, `max_failures`, the discriminant its outputs are routed by
 * (`branch_on`), and whether a run's journal may keep and reuse them (`cache`). Values
 * that are no number, merged and compared as such (see merge-settings.ts).
 */
export interface GroupRouting {
  /** The predicate's name as written. */
  readonly run_if?: Setting<Identifier>;
  readonly fallback?: Setting<Identifier>;
  readonly on_error?: Setting<OnError>;
  readonly max_failures?: Setting<MaxFailures>;
  /** The discriminant property's name (an identifier or a string). */
  readonly branch_on?: Setting<string>;
  /** `cache: false;` keeps the calls out of a run's journal. */
  readonly cache?: Setting<boolean>;
}

export type RoutingKey = keyof GroupRouting;

/**
 * A setting whose value is no value it can take, kept for the rule that says so
 * (`settingValues`): not a whole number (or not one in range), not a duration, or a
 * count or duration past what anything can honour.
 */
export interface SettingProblem {
  readonly key: SettingKey | "max_failures";
  readonly property: Property;
  readonly kind: "invalid" | "too large" | "too long";
}

/**
 * What the binder read from one group: the side table beside the AST's `Group`. Values
 * that are no valid setting are left out of `settings` and listed in `problems`.
 */
export interface GroupFacts {
  readonly group: Group;
  /** The group's methods, each name once (a repeated name has been reported). */
  readonly methods: readonly Identifier[];
  readonly flow: ExecutionFlow | undefined;
  /** The value of `execution_flow` as written, when it is valid. */
  readonly flowValue: Identifier | undefined;
  readonly settings: GroupSettings;
  readonly routing: GroupRouting;
  /**
   * `@input` when it begins this sequential group: the run's input flows into the group's
   * first method(s). Never among `methods`.
   */
  readonly runInput: Identifier | undefined;
  /** The settings written with a value they cannot take. */
  readonly problems: readonly SettingProblem[];
  /** Every known key the block writes, even with an invalid value. */
  readonly writtenKeys: ReadonlySet<string>;
  /**
   * Whether an error in the block (an unknown property, or an `execution_flow` that is not
   * one) hides what the group was meant to say; rules that judge a method by its flow
   * keep quiet about the group's methods rather than report consequences of that error.
   */
  readonly uncertain: boolean;
}

/** Whether a group declares methods concurrent: `execution_flow: concurrent` over two or more of them. */
export function isConcurrentGroup(facts: GroupFacts): boolean {
  return facts.flow === "concurrent" && facts.methods.length >= 2;
}
