/**
 * Every Redis name the backend uses, derived from the plan's name and hash,
 * so that two versions of a plan never share a queue: an old worker cannot
 * take a new plan's jobs, and a caller never waits on workers of another
 * version.
 */
import type { PlanDescriptor } from "../../plan.js";

/** Hex digits of the plan hash kept in names: 64 bits tell versions apart. */
const HASH_DIGITS = 16;

export class PlanKeys {
  /** BullMQ's key prefix (its queues live under `<prefix>:<queue>:…`). */
  readonly prefix: string;
  /** `<plan>.<hash>`: the segment shared by every name of this plan version. */
  readonly tag: string;
  /** Channel on which callers announce cancelled runs to workers. */
  readonly cancelChannel: string;
  /** Channel on which workers announce that they stop (the message is the worker's id). */
  readonly leaveChannel: string;

  constructor(plan: PlanDescriptor, prefix: string) {
    this.prefix = prefix;
    this.tag = `${segment(plan.name)}.${plan.hash.slice(0, HASH_DIGITS)}`;
    this.cancelChannel = `${prefix}:${this.tag}:cancel`;
    this.leaveChannel = `${prefix}:${this.tag}:leave`;
  }

  /** The BullMQ queue of one method. */
  queue(method: string): string {
    return `${this.tag}.${segment(method)}`;
  }

  /** Set of the ids of workers that serve `method`. */
  servers(method: string): string {
    return `${this.prefix}:${this.tag}:servers:${segment(method)}`;
  }

  /** A worker's heartbeat key: it exists while the worker is alive. */
  alive(workerId: string): string {
    return `${this.prefix}:${this.tag}:alive:${workerId}`;
  }

  /** Exists while a call (one method of one run) still wants results; workers skip shards of calls without it. */
  call(callId: string): string {
    return `${this.prefix}:${this.tag}:call:${callId}`;
  }

  /** Stream through which workers answer one caller session. */
  replies(sessionId: string): string {
    return `${this.prefix}:${this.tag}:replies:${sessionId}`;
  }

  /** Exists while a caller session is open; its absence after a reconnect means Redis lost its data. */
  session(sessionId: string): string {
    return `${this.prefix}:${this.tag}:session:${sessionId}`;
  }
}

/**
 * The call id of one method in one run; also the first part of its jobs' ids. BullMQ forbids `:` in job ids.
 * `repeat` numbers the further calls of the method in the run (a helper called as a predicate or fallback
 * more than once): 0 for the first.
 */
export function callId(runId: string, methodIndex: number, repeat = 0): string {
  const call = `${runId.replace(/[^A-Za-z0-9_.-]/g, "_")}.${methodIndex}`;
  return repeat === 0 ? call : `${call}.r${repeat}`;
}

/** The id of one shard's job: the same every time the caller (re)submits it, so BullMQ keeps one. */
export function jobId(call: string, shard: number): string {
  return `${call}.s${shard}`;
}

/** How long a reply stream outlives its last write when its caller is gone. */
export const REPLIES_TTL_MS = 3_600_000;

/** Ids that callers and workers make up themselves (sessions, calls, workers): checked before they name a key. */
export const ID_PATTERN = /^[A-Za-z0-9_.-]{1,300}$/;

/** A name as one key segment: `:` separates segments and `%` escapes, so both are escaped. */
function segment(name: string): string {
  return name.replace(/[%:\s]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
