/**
 * The reader of a caller session's reply stream: one Redis stream per
 * session, read with a blocking XREAD on a connection of its own. A reader
 * that reconnects resumes after the last entry it read, so no reply is lost
 * to a dropped connection; entries read are trimmed in batches.
 */
import type { Redis } from "ioredis";
import { readReply, type Reply } from "./messages.js";

/** Replies read between two trims of the reply stream. */
const TRIM_EVERY = 512;
/** How long a read blocks before it asks again (and notices that the session closed). */
const BLOCK_MS = 5000;

export interface ReplyStreamHost {
  /** The blocking reader's connection. */
  readonly reader: Redis;
  /** The command connection, for trims. */
  readonly redis: Redis;
  /** The stream's key. */
  readonly key: string;
  /** Acts on one reply that reads as one (others are skipped). */
  dispatch(reply: Reply): void;
  /** Whether no call is in flight: then the stream is trimmed at once. */
  idle(): boolean;
}

export class ReplyStream {
  readonly #host: ReplyStreamHost;
  #last = "0-0";
  #reading: Promise<void> | undefined;
  #closed = false;

  constructor(host: ReplyStreamHost) {
    this.#host = host;
  }

  /** Reads replies until {@link close}; started by the session's first call, idempotent. */
  start(): void {
    this.#reading ??= this.#read();
  }

  /** Stops reading. The pending read is not awaited: ioredis may never settle it on a closed connection. */
  close(): void {
    this.#closed = true;
  }

  /** Resolves `true` once the reader has read the stream up to entry `id`; `false` after `ms`. */
  async readUpTo(id: string, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (compareStreamIds(this.#last, id) < 0) {
      if (Date.now() > deadline || this.#closed) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }

  async #read(): Promise<void> {
    const { reader, redis, key } = this.#host;
    let unTrimmed = 0;
    while (!this.#closed) {
      let batch: [string, [string, string[]][]][] | null;
      try {
        batch = (await reader.xread("COUNT", 1000, "BLOCK", BLOCK_MS, "STREAMS", key, this.#last)) as typeof batch;
      } catch {
        if (this.#closed) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      if (batch === null) continue;
      for (const [, entries] of batch) {
        for (const [id, fields] of entries) {
          this.#last = id;
          unTrimmed++;
          const reply = readReply(fields[1] ?? "");
          if (reply !== undefined) this.#host.dispatch(reply);
        }
      }
      // Entries read are never read again: keep the stream short, in batches (a trim per reply costs Redis time).
      if (unTrimmed >= TRIM_EVERY || this.#host.idle()) {
        unTrimmed = 0;
        void redis.xtrim(key, "MINID", this.#last).catch(() => undefined);
      }
    }
  }
}

/** Orders two stream entry ids (`<ms>-<seq>`). */
function compareStreamIds(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split("-").map(Number);
  const [bMs = 0, bSeq = 0] = b.split("-").map(Number);
  return aMs - bMs || aSeq - bSeq;
}
