/**
 * The hover card of a method: its TypeScript signature and module, what it receives and sends
 * along each edge, in words what skips or routes it, and its settings as the plan holds them.
 */
import type { PlanMethod } from "../../stdlib/plan.js";
import type { MethodSettings } from "../bind/types.js";
import { code, codeBlock } from "./markdown.js";
import type { MethodFacts } from "./method-facts.js";

export function methodCard(facts: MethodFacts): string {
  const { name, types } = facts;
  // A type-check that printed no signature still knows the input and the output.
  const signature = types === undefined ? undefined : types.signature || `(input: ${types.input}) => ${types.output}`;
  const sections = [
    codeBlock("typescript", signature === undefined ? `(method) ${name}` : `(method) ${name}: ${signature}`),
    origin(facts),
  ];
  if (facts.stale) sections.push("*Types from the last successful check: the current text has errors.*");
  else if (types === undefined) sections.push("*Types unknown: no type-check has read this method yet.*");
  const flow = edges(facts);
  if (flow !== undefined) sections.push(flow);
  const words = behaviour(facts);
  if (words.length > 0) sections.push(words.join("\n\n"));
  const settings = settingLines(facts);
  if (settings.length > 0) sections.push(["**Settings**", ...settings.map((line) => `- ${line}`)].join("\n"));
  return sections.join("\n\n");
}

function origin(facts: MethodFacts): string {
  const module = code(facts.module);
  if (facts.exportName !== facts.name)
    return `${code(facts.exportName)} from ${module}, imported as ${code(facts.name)}`;
  return facts.imported ? `From ${module}` : `From ${module}, the manifest's default module`;
}

/** What travels into and out of the method, and whether its output is the run's; `undefined` when nothing is known. */
function edges(facts: MethodFacts): string | undefined {
  const lines: string[] = [];
  const plan = facts.plan;
  const incoming = facts.incoming.map((edge) => `- from ${code(edge.sender)}: ${code(edge.type)}`);
  // A method without predecessors receives the run's input, along no edge of the plan.
  if (plan?.sources.includes(facts.name) === true && facts.types?.takesInput === true) {
    incoming.unshift(`- the run's input: ${code(facts.types.input)}`);
  }
  if (incoming.length > 0) lines.push("**Receives**", ...incoming);
  if (facts.outgoing.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push("**Sends**", ...facts.outgoing.map((edge) => `- to ${code(edge.receiver)}: ${code(edge.type)}`));
  }
  if (plan !== undefined && plan.sinks.includes(facts.name)) {
    if (lines.length > 0) lines.push("");
    const output = facts.types === undefined ? "" : ` (${code(facts.types.output)})`;
    lines.push(
      plan.sinks.length === 1
        ? `Its output${output} is the run's output.`
        : `Its output${output} is the member ${code(facts.name)} of the run's output.`,
    );
  }
  return lines.length === 0 ? undefined : lines.join("\n");
}

/** In words: what may skip the method, stand in for it, or route its output. */
function behaviour(facts: MethodFacts): string[] {
  const settings = facts.settings;
  const method = facts.planMethod;
  const words: string[] = [];
  if (method?.helper === true) {
    words.push("Only a predicate or a fallback of other methods: it is in no flow, and runs where they run.");
  }
  const runIf = settings?.runIf ?? method?.runIf ?? undefined;
  if (runIf !== undefined) {
    words.push(`Runs only when ${code(runIf)} returns \`true\` for the input it would receive; else it is skipped.`);
  }
  const fallback = settings?.fallback ?? method?.fallback ?? undefined;
  if (fallback !== undefined) {
    words.push(`When a call has used up its retries, ${code(fallback)} is called with the same input in its place.`);
  }
  const parallel = (settings?.mode ?? method?.mode) === "parallel";
  const onError = settings?.onError ?? method?.onError;
  if (onError === "skip") {
    words.push(
      parallel
        ? "A call that fails for good skips its item (`on_error: skip`): the item's output is `undefined`."
        : "A call that fails for good skips the method (`on_error: skip`): what follows sees `undefined` in its place.",
    );
  } else if (onError === "settle") {
    words.push(
      "Failed items are recorded (`on_error: settle`): its output is an array of `Settled` records, `{ ok: true, value }` or `{ ok: false, error }`.",
    );
  }
  const branchOn = settings?.branchOn ?? method?.branch?.property;
  if (branchOn !== undefined) words.push(branchWords(branchOn, method));
  return words;
}

function branchWords(property: string, method: PlanMethod | undefined): string {
  const lead = `Routes its output by ${code(property)} (\`branch_on\`): each successor receives only the variants it accepts, and the others are skipped.`;
  const routes = Object.entries(method?.branch?.routes ?? {});
  if (routes.length === 0) return lead;
  const lines = routes.map(
    ([successor, values]) =>
      `- ${code(successor)} when ${code(property)} is ${values.map((value) => code(JSON.stringify(value))).join(" or ")}`,
  );
  return [lead, ...lines].join("\n");
}

/** One line per setting, in the order of the reference's Properties table. */
function settingLines(facts: MethodFacts): string[] {
  const settings: MethodSettings | undefined = facts.settings;
  const method = facts.planMethod;
  if (settings === undefined && method === undefined) return [];
  const lines: string[] = [];
  const parallel = (settings?.mode ?? method?.mode) === "parallel";
  const peers = (facts.plan?.concurrent ?? [])
    .filter((group) => group.includes(facts.name))
    .flatMap((group) => group.filter((name) => name !== facts.name));
  const execution = [
    parallel ? "parallel" : "single",
    ...(peers.length > 0 ? [`concurrent with ${[...new Set(peers)].map(code).join(", ")}`] : []),
  ];
  lines.push(`execution: ${execution.join(", ")}`);
  if (parallel) {
    const least = method?.minWorkers ?? settings?.minWorkers ?? 1;
    const written = settings?.minWorkers === undefined ? " (no `min_worker_count`: the least there is)" : "";
    const most = settings?.maxWorkers ?? method?.maxWorkers ?? undefined;
    lines.push(`workers: at least ${least}${written}${most === undefined ? "" : `, at most ${most}`}`);
    const shard = settings?.shardSize ?? method?.shardSize ?? undefined;
    lines.push(`shard_size: ${shard === undefined ? "sized by the backend from the time per item" : shard}`);
  }
  const retries = settings?.retries ?? method?.retries ?? 0;
  lines.push(`retries: ${retries}`);
  const timeout = settings?.timeoutMs ?? method?.timeoutMs ?? undefined;
  lines.push(`timeout: ${timeout === undefined ? "none" : duration(timeout)}`);
  const maxFailures = settings?.maxFailures ?? method?.maxFailures ?? undefined;
  if (maxFailures !== undefined) {
    lines.push(`max_failures: ${maxFailures.value}${maxFailures.kind === "percent" ? "%" : ""}`);
  }
  if ((settings?.cache ?? method?.cache) === false) lines.push("cache: false (a resumed run calls it again)");
  return lines;
}

/** Milliseconds in the largest unit that holds them whole: `30s`, `1500ms`. */
function duration(milliseconds: number): string {
  for (const [unit, size] of [
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
  ] as const) {
    if (milliseconds % size === 0) return `${milliseconds / size}${unit}`;
  }
  return `${milliseconds}ms`;
}
