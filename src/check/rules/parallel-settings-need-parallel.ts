import { Messages } from "../../../grammar/diagnostics/catalogue.js";
import type { DiagnosticFix } from "../../../grammar/diagnostics/diagnostic.js";
import { addPropertyBefore, removeProperty } from "../../bind/block-fixes.js";
import type { GroupFacts, Setting, SettingKey } from "../../bind/group-facts.js";
import type { RuleContext } from "../rule-context.js";

/** The settings that describe how a method is spread over workers, which only a parallel method is. */
const parallelKeys: readonly SettingKey[] = ["min_worker_count", "max_worker_count", "shard_size"];

/**
 * Forbids `min_worker_count`, `max_worker_count` and `shard_size` on a method that is
 * not parallel: only a parallel method is spread over workers and cut into shards, so
 * on any other method the setting would be silently ignored — usually a sign that
 * `execution_flow: parallel` is missing.
 */
export function parallelSettingsNeedParallel(context: RuleContext): void {
  for (const facts of context.groups) {
    for (const key of parallelKeys) {
      const setting = facts.settings[key];
      if (setting === undefined) continue;
      // The same for every method of the group: made once, whatever the group's size.
      let found: DiagnosticFix[] | undefined;
      for (const method of facts.methods) {
        if (context.settings.get(method.name)?.mode === "parallel") continue;
        // With a misspelt `execution_flow: paralel` beside it, the setting is not the mistake.
        if (context.origins.get(method.name)?.uncertain === true) continue;
        context.report(
          Messages.WorkerCountOnNonParallel,
          setting.property.key.span,
          [key, method.name],
          [],
          (found ??= fixes(context, facts, key, setting)),
        );
      }
    }
  }
}

/**
 * The message's two ways out: make the group parallel, where it says nothing of its flow
 * yet, or take the setting out, where no method of the group is parallel (else it would be
 * lost for that one).
 */
function fixes(context: RuleContext, facts: GroupFacts, key: SettingKey, setting: Setting<number>): DiagnosticFix[] {
  const found: DiagnosticFix[] = [];
  const first = facts.group.block.properties[0]!;
  if (!facts.writtenKeys.has("execution_flow")) {
    found.push(addPropertyBefore(context.source, first, "execution_flow: parallel;", false));
  }
  if (facts.methods.every((method) => context.settings.get(method.name)?.mode !== "parallel")) {
    found.push(removeProperty(context.source, setting.property, `Remove '${key}'`, false));
  }
  return found;
}
