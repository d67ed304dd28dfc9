/**
 * The Redis run store's keys, all under `<prefix>:journal:`, and how a run's
 * hash reads back as a row. A run's id and an output's key are the last
 * segment of their keys, after a kind no other key starts with, so no id can
 * reach another run's keys.
 */
import { RUN_FIELDS, type RunRow } from "./records.js";

export class JournalKeys {
  /** `<prefix>:journal:`, which every key starts with. */
  readonly base: string;
  /** Sorted set of run ids by start time, for `list`. */
  readonly runs: string;

  constructor(prefix: string) {
    this.base = `${prefix}:journal:`;
    this.runs = `${this.base}runs`;
  }

  /** Hash of a run's fields (see `RUN_FIELDS`), its `heldSince` and its `input`. */
  run(id: string): string {
    return `${this.base}run:${id}`;
  }

  /** Hash of a run's method records by method. */
  methods(id: string): string {
    return `${this.base}methods:${id}`;
  }

  /** Set of the keys of the outputs a run stored. */
  entries(id: string): string {
    return `${this.base}entries:${id}`;
  }

  /** Hash of how many outputs a run stored, by method. */
  stored(id: string): string {
    return `${this.base}stored:${id}`;
  }

  /** A stored output. */
  entry(key: string): string {
    return `${this.base}entry:${key}`;
  }

  /** Every key of a run, its hash first (as the scripts take them). */
  ofRun(id: string): [string, string, string, string] {
    return [this.run(id), this.methods(id), this.entries(id), this.stored(id)];
  }
}

/** The hash fields read of a run: its row, then `heldSince`. */
export const RUN_HASH_FIELDS = [...RUN_FIELDS, "heldSince"] as const;

const NUMERIC: ReadonlySet<string> = new Set([
  "startedAt",
  "endedAt",
  "resumes",
  "ownerPid",
  "leaseUntil",
  "heldSince",
]);

/**
 * The row of a run's hash fields as `HMGET` returned them (in {@link RUN_HASH_FIELDS} order), or
 * `undefined` when the run has none (it does not exist). A number that does not read as one is
 * kept as text, for the row's check to refuse.
 */
export function runRow(values: readonly (string | null)[]): (RunRow & { readonly heldSince: unknown }) | undefined {
  if (values.every((value) => value === null)) return undefined;
  const row: Record<string, unknown> = {};
  RUN_HASH_FIELDS.forEach((field, i) => {
    const text = values[i] ?? null;
    const number = text === null || text === "" ? NaN : Number(text);
    row[field] = NUMERIC.has(field) && !Number.isNaN(number) ? number : text;
  });
  return row as RunRow & { readonly heldSince: unknown };
}

/** A run's fields as hash field/value pairs: `null` ones are left out (absent means `null`). */
export function hashPairs(fields: Readonly<Record<string, string | number | null>>): (string | number)[] {
  return Object.entries(fields).flatMap(([field, value]) => (value === null ? [] : [field, value]));
}
