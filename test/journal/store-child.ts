/**
 * A process that opens a run store and calls it when the test says so, over
 * IPC (advanced serialisation): a real other holder of runs for the claim
 * tests, and, for SQLite, a real other process holding the database locked.
 * Run as `node --import tsx test/journal/store-child.ts`; it stays alive
 * until killed or disconnected.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { redisStore, sqliteStore, type RunStore } from "../../stdlib/index.js";
import type { ChildReply, ChildRequest, StoreSpec } from "./children.js";

let store: RunStore | undefined;
/** Kept open so that its lock lasts as long as the process. */
let locked: BetterSqlite3.Database | undefined;

function open(spec: StoreSpec): RunStore {
  return spec.kind === "sqlite" ? sqliteStore(spec.directory) : redisStore(spec.url, { prefix: spec.prefix });
}

async function handle(request: ChildRequest): Promise<unknown> {
  switch (request.kind) {
    case "open":
      store = open(request.spec);
      return undefined;
    case "call": {
      if (store === undefined) throw new Error("no store open");
      const method = store[request.method] as (...args: unknown[]) => unknown;
      const result = await method.apply(store, [...request.args]);
      // Stores may defer writes until a flush: the test sees what this process did once it answers.
      if (request.method !== "close") await store.flush();
      return result;
    }
    case "lock": {
      const Database = createRequire(import.meta.url)("better-sqlite3") as typeof BetterSqlite3;
      locked = new Database(join(request.directory, "journal.db"));
      locked.exec("BEGIN EXCLUSIVE");
      return undefined;
    }
  }
}

process.on("message", (message: ChildRequest & { readonly id: number }) => {
  void handle(message)
    .then(
      (result): ChildReply => ({ id: message.id, ok: true, result }),
      (error: unknown): ChildReply => {
        const { name, message: text, code, holder } = error as Record<string, unknown>;
        return { id: message.id, ok: false, error: { name, message: text, code, holder } };
      },
    )
    .then((reply) => process.send?.(reply));
});
process.on("disconnect", () => process.exit(0));
process.send?.({ id: 0, ok: true, result: "ready" } satisfies ChildReply);
