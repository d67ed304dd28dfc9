import { readFile } from "node:fs/promises";

export interface Order {
  readonly id: string;
  readonly customer: string;
  readonly amount: number;
}

export interface CustomerTotal {
  readonly customer: string;
  readonly orders: number;
  readonly total: number;
}

/** Reads a CSV file into rows of fields (double-quoted fields may hold commas and doubled quotes). */
export async function readCsv(path: string): Promise<string[][]> {
  const text = await readFile(path, "utf8");
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim().length > 0)
    .map(splitCsvLine);
}

function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/**
 * Drops the header, blank and malformed rows and duplicate order ids; trims
 * names and normalises their case; parses amounts written as `1,234.50` or `$12`.
 */
export function cleanRows(rows: string[][]): Order[] {
  const seen = new Set<string>();
  const orders: Order[] = [];
  for (const [rawId, rawCustomer, rawAmount] of rows.slice(1)) {
    const id = rawId?.trim() ?? "";
    const customer = (rawCustomer ?? "")
      .trim()
      .replace(/\s+/g, " ")
      .toLowerCase()
      .replace(/\b\w/g, (c) => c.toUpperCase());
    const amount = Number((rawAmount ?? "").replace(/[$,\s]/g, ""));
    if (id === "" || customer === "" || !Number.isFinite(amount) || (rawAmount ?? "").trim() === "" || seen.has(id))
      continue;
    seen.add(id);
    orders.push({ id, customer, amount });
  }
  return orders;
}

/** Totals per customer, largest first, rounded to cents. */
export function totalByCustomer(orders: Order[]): CustomerTotal[] {
  const totals = new Map<string, { orders: number; cents: number }>();
  for (const order of orders) {
    const entry = totals.get(order.customer) ?? { orders: 0, cents: 0 };
    entry.orders += 1;
    entry.cents += Math.round(order.amount * 100);
    totals.set(order.customer, entry);
  }
  return [...totals]
    .map(([customer, { orders, cents }]) => ({ customer, orders, total: cents / 100 }))
    .sort((a, b) => b.total - a.total || a.customer.localeCompare(b.customer));
}
