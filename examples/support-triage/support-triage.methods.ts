import { readFile } from "node:fs/promises";
import type { RunContext, Settled } from "flowc/runtime";

/** The run's input: where the tickets are, whose they are, and how many may fail to classify. */
export interface Config {
  readonly ticketsPath: string;
  readonly team: string;
  /** The share of tickets (0–1) that may fail to classify before the day is escalated. */
  readonly failureBudget: number;
}

export interface RawTicket {
  readonly id: string;
  readonly category: string;
  readonly customer: string;
  readonly body: string;
}

/** A classified ticket: one variant per queue. */
export type Ticket =
  | { readonly queue: "engineering"; readonly id: string; readonly customer: string; readonly summary: string }
  | { readonly queue: "billing"; readonly id: string; readonly customer: string; readonly refund: true }
  | { readonly queue: "help"; readonly id: string; readonly customer: string; readonly question: string };

export interface Healthy {
  readonly status: "healthy";
  readonly tickets: readonly Ticket[];
  readonly unclassified: readonly string[];
}

export interface Degraded {
  readonly status: "degraded";
  readonly tickets: readonly Ticket[];
  /** Why each unclassified ticket failed, as the settled records say. */
  readonly unclassified: readonly string[];
  readonly failureRate: number;
}

export interface Digest {
  readonly queues: Readonly<Record<Ticket["queue"], number>>;
  readonly unclassified: number;
}

export interface Escalation {
  readonly channel: "pager" | "email";
  readonly reason: string;
  readonly message: string;
}

export interface Report {
  readonly team: string;
  readonly outcome: "digest" | "escalated";
  readonly digest: Digest | null;
  readonly escalation: Escalation | null;
}

/** Reads the tickets CSV (quoted fields may hold commas). */
export async function loadTickets(config: Config): Promise<RawTicket[]> {
  const lines = (await readFile(config.ticketsPath, "utf8")).trim().split(/\r?\n/).slice(1);
  return lines.map((line) => {
    const [id = "", category = "", customer = "", body = ""] = splitCsvLine(line);
    return { id, category, customer, body };
  });
}

function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (char === "," && !quoted) {
      fields.push(field);
      field = "";
    } else field += char;
  }
  fields.push(field);
  return fields.map((value) => value.trim());
}

/** Puts one ticket in its queue; a ticket without a body or a known category cannot be classified. */
export function triage(ticket: RawTicket): Ticket {
  if (ticket.body === "") throw new Error(`${ticket.id} has no text to classify`);
  switch (ticket.category) {
    case "bug":
      return { queue: "engineering", id: ticket.id, customer: ticket.customer, summary: ticket.body.slice(0, 40) };
    case "refund":
      return { queue: "billing", id: ticket.id, customer: ticket.customer, refund: true };
    case "question":
      return { queue: "help", id: ticket.id, customer: ticket.customer, question: ticket.body };
    default:
      throw new Error(`${ticket.id} has an unknown category '${ticket.category}'`);
  }
}

/** Healthy when the share of unclassified tickets is within the team's budget, degraded otherwise. */
export function assess(day: {
  readonly "@input": Config;
  readonly triage: readonly Settled<Ticket>[];
}): Healthy | Degraded {
  const tickets = day.triage.flatMap((record) => (record.ok ? [record.value] : []));
  const unclassified = day.triage.flatMap((record) => (record.ok ? [] : [record.error.message]));
  const failureRate = day.triage.length === 0 ? 0 : unclassified.length / day.triage.length;
  if (failureRate <= day["@input"].failureBudget) return { status: "healthy", tickets, unclassified };
  return { status: "degraded", tickets, unclassified, failureRate };
}

export function publishDigest(day: Healthy): Digest {
  const queues = { engineering: 0, billing: 0, help: 0 };
  for (const ticket of day.tickets) queues[ticket.queue] += 1;
  return { queues, unclassified: day.unclassified.length };
}

/** Pages the on-call engineer, which needs a pager service: without one configured the call fails. */
export async function escalate(day: Degraded): Promise<Escalation> {
  const pager = process.env.SUPPORT_TRIAGE_PAGER_URL;
  if (pager === undefined) throw new Error("no pager service configured (SUPPORT_TRIAGE_PAGER_URL)");
  const message = describe(day);
  const response = await fetch(pager, { method: "POST", body: message });
  if (!response.ok) throw new Error(`the pager answered ${response.status}`);
  return { channel: "pager", reason: "paged", message };
}

/** Stands in for `escalate` when paging fails: the escalation goes out by e-mail instead. */
export function escalateByEmail(day: Degraded, context: RunContext): Escalation {
  const why = context.error instanceof Error ? context.error.message : String(context.error);
  return { channel: "email", reason: `paging failed: ${why}`, message: describe(day) };
}

function describe(day: Degraded): string {
  const percent = Math.round(day.failureRate * 100);
  return `${day.unclassified.length} of ${day.tickets.length + day.unclassified.length} tickets (${percent}%) could not be classified`;
}

export function report(parts: {
  readonly "@input": Config;
  readonly publishDigest?: Digest | undefined;
  readonly escalate?: Escalation | undefined;
}): Report {
  return {
    team: parts["@input"].team,
    outcome: parts.escalate === undefined ? "digest" : "escalated",
    digest: parts.publishDigest ?? null,
    escalation: parts.escalate ?? null,
  };
}
