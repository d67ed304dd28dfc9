/**
 * The Lua scripts of the backend, each one Redis round trip that must not be
 * split: a check and the write it guards. They touch keys they compute from
 * their arguments, which a single Redis allows (a cluster would not).
 */
import type { ClientContext, Redis, Result } from "ioredis";

/** How long a reply stream outlives its last write when its caller is gone. */
export const REPLIES_TTL_MS = 3_600_000;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /**
     * Appends `message` to the replies stream if the call still exists;
     * an empty message only checks. Returns 1 when the call exists.
     */
    flowcReply(callKey: string, repliesKey: string, message: string, ttlMs: number): Result<number, Context>;
    /** How many of the workers in `serversKey` are alive; forgets the dead ones. */
    flowcLiveServers(serversKey: string, alivePrefix: string): Result<number, Context>;
  }
}

const REPLY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] ~= '' then
  redis.call('XADD', KEYS[2], '*', 'm', ARGV[1])
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return 1
`;

const LIVE_SERVERS = `
local live = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. id) == 1 then live = live + 1 else redis.call('SREM', KEYS[1], id) end
end
return live
`;

/** Registers the scripts on a connection (ioredis loads each once and then calls it by its digest). */
export function defineScripts(redis: Redis): Redis {
  redis.defineCommand("flowcReply", { numberOfKeys: 2, lua: REPLY });
  redis.defineCommand("flowcLiveServers", { numberOfKeys: 1, lua: LIVE_SERVERS });
  return redis;
}
