/**
 * A caller session's connections to Redis, and what becomes of them when
 * Redis goes away: connecting within `connectionWait` (or failing with
 * `FLOW_CONNECTION_FAILED`), an outage timer that gives up on the calls in
 * flight once Redis stays away longer than that (`FLOW_CONNECTION_LOST`), and
 * a reconnect counter, so that the session can resubmit what Redis lost and
 * its monitor can ignore checks that span a reconnect.
 *
 * Three connections: one for commands, one for the blocking read of the
 * reply stream (a blocked connection answers nothing else), and one
 * subscribed to workers leaving. Each queue makes its own (see
 * {@link CallerConnection.forQueue}).
 */
import { Redis } from "ioredis";
import { describe, errors, FlowError } from "../../errors.js";
import { describeConnection, redisOptions, type BullmqSettings, type ConnectionSettings } from "./options.js";
import { defineScripts } from "./scripts.js";

/** What the session does when the connection changes. */
export interface ConnectionHost {
  /** Redis stayed away longer than `connectionWait`, with `error` for the calls in flight. */
  onOutage(error: FlowError): void;
  /** Redis is back after a disconnect: what it lost may need resubmitting. */
  onReconnect(): void;
}

export class CallerConnection {
  /** For commands (with the backend's scripts defined). */
  readonly redis: Redis;
  /** For the blocking read of the reply stream. */
  readonly reader: Redis;
  /** Subscribed to workers leaving, for `worker:down`. */
  readonly listener: Redis;
  /** `host:port` of Redis, for messages (never its credentials). */
  readonly where: string;
  readonly #settings: BullmqSettings;
  readonly #id: string;
  readonly #host: ConnectionHost;
  #outage: NodeJS.Timeout | undefined;
  #everReady = false;
  /** Reconnects so far. */
  #epoch = 0;
  /** The last error a connection reported, for a message when connecting fails. */
  #lastError: string | undefined;
  #closed = false;

  constructor(settings: BullmqSettings, sessionId: string, host: ConnectionHost) {
    this.#settings = settings;
    this.#id = sessionId;
    this.#host = host;
    const redis = redisOptions(settings.connection, `flowc-caller:${sessionId}`);
    this.where = describeConnection(redis);
    this.redis = defineScripts(new Redis({ ...redis, lazyConnect: true }));
    this.reader = new Redis({
      ...redis,
      lazyConnect: true,
      connectionName: `flowc-caller-read:${sessionId}`,
    });
    this.listener = new Redis({ ...redis, lazyConnect: true, connectionName: `flowc-caller-sub:${sessionId}` });
    // Errors surface through the commands that fail and the outage timer; unhandled, ioredis would print each one.
    // The last one is kept: a refused password closes the connection, and "Connection is closed" alone says nothing.
    const keep = (error: Error): void => void (this.#lastError = error.message);
    this.listener.on("error", keep);
    this.reader.on("error", keep);
    this.redis.on("error", keep);
    this.redis.on("close", () => this.#onDisconnect());
    this.redis.on("ready", () => this.#onReady());
  }

  /** Reconnects so far. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Whether commands go through now. */
  get ready(): boolean {
    return this.redis.status === "ready";
  }

  /** Connects all three, or fails with `FLOW_CONNECTION_FAILED` after `connectionWait`. */
  async connect(): Promise<void> {
    const ready = Promise.all([this.redis.connect(), this.reader.connect(), this.listener.connect()]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(this.#unreachable("could not connect")),
        Math.max(this.#settings.connectionWait, 1),
      );
    });
    try {
      await Promise.race([ready, timeout]);
    } catch (error) {
      this.redis.disconnect();
      this.reader.disconnect();
      this.listener.disconnect();
      throw error instanceof FlowError ? error : this.#unreachable(this.#lastError ?? describe(error));
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Options of a queue's own connection: BullMQ cannot close a connection it
   * shares while that one is reconnecting.
   */
  forQueue(method: string): ConnectionSettings {
    return redisOptions(this.#settings.connection, `flowc-caller:${this.#id}:${method}`);
  }

  /** Stops watching for outages and drops the reader and listener; the session quits `redis` itself, last. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#outage);
    this.reader.disconnect();
    this.listener.disconnect();
  }

  #unreachable(detail: string): FlowError {
    return errors.redisUnreachable(this.where, detail, this.#settings.connectionWait);
  }

  #onDisconnect(): void {
    this.#epoch++;
    if (this.#closed || this.#outage !== undefined) return;
    this.#outage = setTimeout(() => {
      this.#outage = undefined;
      if (this.ready) return;
      this.#host.onOutage(errors.connectionLost(this.where, this.#settings.connectionWait));
    }, this.#settings.connectionWait);
  }

  #onReady(): void {
    clearTimeout(this.#outage);
    this.#outage = undefined;
    if (!this.#everReady) {
      this.#everReady = true;
      return;
    }
    this.#host.onReconnect();
  }
}
