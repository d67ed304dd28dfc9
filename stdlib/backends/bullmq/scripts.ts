/**
 * The Lua script of the backend: listing live workers and forgetting dead
 * ones in one round trip. It touches keys it computes from its arguments,
 * which a single Redis allows (a cluster would not).
 */
import type { ClientContext, Redis, Result } from "ioredis";

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** The ids of the workers in `serversKey` that are alive; forgets the dead ones. */
    flowcLiveServers(serversKey: string, alivePrefix: string): Result<string[], Context>;
  }
}

const LIVE_SERVERS = `
local live = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. id) == 1 then table.insert(live, id) else redis.call('SREM', KEYS[1], id) end
end
return live
`;

/** Registers the script on a connection (ioredis loads each once and then calls it by its digest). */
export function defineScripts(redis: Redis): Redis {
  redis.defineCommand("flowcLiveServers", {
    numberOfKeys: 1,
    lua: LIVE_SERVERS,
  });
  return redis;
}
