/** The project most of the language service's tests read: an ETL flow, a branch, and the run's input. */

export const etlMethods = `export interface Row {
  readonly id: string;
  readonly total: number;
}
export type Ticket = { kind: "bug"; stack: string } | { kind: "question"; text: string };

/** Reads the rows changed since a date. */
export async function extract(since: string): Promise<Row[]> {
  return [{ id: since, total: 1 }];
}
export function transform(row: Row): Row {
  return row;
}
export function load(rows: readonly (Row | undefined)[]): number {
  return rows.length;
}
export function ready(rows: readonly (Row | undefined)[]): boolean {
  return rows.length > 0;
}
export function classify(count: number): Ticket {
  return count > 0 ? { kind: "bug", stack: "" } : { kind: "question", text: "" };
}
export function triageBug(ticket: { kind: "bug"; stack: string }): string {
  return ticket.stack;
}
export function answer(ticket: { kind: "question"; text: string }): string {
  return ticket.text;
}
export function audit(input: { "@input": number; answer: string }): void {
  void input;
}
`;

export const etlManifest = `import { transform as clean, load } from "./etl.methods";

// The pipeline.
extract, clean, load { execution_flow: sequential; }
clean < execution_flow: parallel; min_worker_count: 4; max_worker_count: 8; on_error: skip; >
load { retries: 3; timeout: 30s; run_if: ready; cache: false; }
`;

export const branchManifest = `classify, triageBug { execution_flow: sequential; }
classify, answer, audit { execution_flow: sequential; }
classify { branch_on: kind; }
@input, audit { execution_flow: sequential; }
`;
