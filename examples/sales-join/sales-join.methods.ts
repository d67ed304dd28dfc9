import { readFile } from "node:fs/promises";

export interface Sources {
  readonly ordersPath: string;
  readonly customersPath: string;
}

export interface Order {
  readonly orderId: string;
  readonly customerId: string;
  readonly cents: number;
}

export interface Customer {
  readonly customerId: string;
  readonly name: string;
  readonly country: string;
}

export interface CountryRevenue {
  readonly country: string;
  readonly orders: number;
  readonly revenue: number;
}

async function readRows(path: string): Promise<string[][]> {
  const lines = (await readFile(path, "utf8")).trim().split(/\r?\n/);
  return lines.slice(1).map((line) => line.split(",").map((field) => field.trim()));
}

export async function loadOrders(input: Pick<Sources, "ordersPath">): Promise<Order[]> {
  return (await readRows(input.ordersPath)).map(([orderId = "", customerId = "", amount = "0"]) => ({
    orderId,
    customerId,
    cents: Math.round(Number(amount) * 100),
  }));
}

export async function loadCustomers(input: Pick<Sources, "customersPath">): Promise<Customer[]> {
  return (await readRows(input.customersPath)).map(([customerId = "", name = "", country = ""]) => ({
    customerId,
    name,
    country,
  }));
}

export interface JoinedOrder extends Order {
  readonly country: string;
}

/** Inner join of orders with their customers; orders of unknown customers are counted under "unknown". */
export function joinOrders(input: { loadOrders: Order[]; loadCustomers: Customer[] }): JoinedOrder[] {
  const countries = new Map(input.loadCustomers.map((c) => [c.customerId, c.country]));
  return input.loadOrders.map((order) => ({ ...order, country: countries.get(order.customerId) ?? "unknown" }));
}

export function revenueByCountry(orders: JoinedOrder[]): CountryRevenue[] {
  const byCountry = new Map<string, { orders: number; cents: number }>();
  for (const order of orders) {
    const entry = byCountry.get(order.country) ?? { orders: 0, cents: 0 };
    entry.orders += 1;
    entry.cents += order.cents;
    byCountry.set(order.country, entry);
  }
  return [...byCountry]
    .map(([country, { orders, cents }]) => ({ country, orders, revenue: cents / 100 }))
    .sort((a, b) => b.revenue - a.revenue || a.country.localeCompare(b.country));
}
