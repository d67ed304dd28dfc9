/**
 * The Lua scripts of the Redis run store: each write that must see what it
 * changes (a new run's id, a run's holder, first-wins outputs, a method's
 * place) is one script, so that it is atomic. Every script refreshes the TTL
 * of the keys it touches when the store has one (`ttl` is `''` without).
 *
 * `put` and `remove` touch keys they compute from the journal's prefix and
 * their arguments, which a single Redis allows (a cluster would not; the
 * bullmq backend's scripts do the same).
 */
import type { ClientContext, Redis, Result } from "ioredis";

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** KEYS: run hash, run index. ARGV: ttl, id, startedAt, field/value pairs. 1, or 0 when the id is taken. */
    flowcJournalBegin(...args: (string | number)[]): Result<number, Context>;
    /**
     * KEYS: run hash, then the run's other keys. ARGV: ttl, then a count of field checks and
     * their field/expected pairs (`''` expects the field absent), a count of fields to set and
     * their pairs, and the fields to delete. 1, or 0 when the run is gone or a check fails.
     */
    flowcJournalUpdate(...args: (string | number)[]): Result<number, Context>;
    /** ARGV: key prefix, ttl, then key/method/run/value quadruples. Sets each key not set yet. */
    flowcJournalPut(...args: (string | number)[]): Result<null, Context>;
    /** KEYS: methods hash, then the run's other keys. ARGV: ttl, method, record (JSON array without its first `[`). */
    flowcJournalMethod(...args: (string | number)[]): Result<null, Context>;
    /**
     * KEYS: run hash, methods hash, entries set, stored hash, run index. ARGV: key prefix, id,
     * status and owner token as judged. 1, or 0 when the run changed meanwhile (it is kept).
     */
    flowcJournalRemove(...args: (string | number)[]): Result<number, Context>;
  }
}

const TOUCH = `
local function touch(ttl, keys, from)
  if ttl ~= '' then for k = from, #keys do redis.call('PEXPIRE', keys[k], ttl) end end
end
`;

// The index of runs (KEYS[2]) never expires: a run missing from it would be invisible to list and clean.
const BEGIN = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
if ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1
`;

const UPDATE = `${TOUCH}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local i = 3
for n = 1, tonumber(ARGV[2]) do
  if (redis.call('HGET', KEYS[1], ARGV[i]) or '') ~= ARGV[i + 1] then return 0 end
  i = i + 2
end
local sets = tonumber(ARGV[i])
i = i + 1
for n = 1, sets do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  i = i + 2
end
for n = i, #ARGV do redis.call('HDEL', KEYS[1], ARGV[n]) end
touch(ARGV[1], KEYS, 1)
return 1
`;

const PUT = `
local prefix, ttl = ARGV[1], ARGV[2]
local runs = {}
for i = 3, #ARGV, 4 do
  local key = prefix .. 'entry:' .. ARGV[i]
  local set
  if ttl ~= '' then set = redis.call('SET', key, ARGV[i + 3], 'NX', 'PX', ttl)
  else set = redis.call('SET', key, ARGV[i + 3], 'NX') end
  if set then
    redis.call('SADD', prefix .. 'entries:' .. ARGV[i + 2], ARGV[i])
    redis.call('HINCRBY', prefix .. 'stored:' .. ARGV[i + 2], ARGV[i + 1], 1)
  elseif ttl ~= '' then
    redis.call('PEXPIRE', key, ttl)
  end
  runs[ARGV[i + 2]] = true
end
if ttl ~= '' then
  for run in pairs(runs) do
    for _, kind in ipairs({'run:', 'methods:', 'entries:', 'stored:'}) do redis.call('PEXPIRE', prefix .. kind .. run, ttl) end
  end
end
return nil
`;

// A method keeps the place it was first recorded at (its record's first element), for ties in start time.
const METHOD = `${TOUCH}
local old = redis.call('HGET', KEYS[1], ARGV[2])
local place = old and string.match(old, '^%[(%d+),') or tostring(redis.call('HLEN', KEYS[1]))
redis.call('HSET', KEYS[1], ARGV[2], '[' .. place .. ',' .. ARGV[3])
touch(ARGV[1], KEYS, 1)
return nil
`;

const REMOVE = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  if (redis.call('HGET', KEYS[1], 'status') or '') ~= ARGV[3] then return 0 end
  if (redis.call('HGET', KEYS[1], 'ownerToken') or '') ~= ARGV[4] then return 0 end
end
for _, key in ipairs(redis.call('SMEMBERS', KEYS[3])) do redis.call('DEL', ARGV[1] .. 'entry:' .. key) end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
redis.call('ZREM', KEYS[5], ARGV[2])
return 1
`;

/** Registers the scripts on a connection (ioredis loads each once, then calls it by its digest). */
export function defineJournalScripts(redis: Redis): Redis {
  redis.defineCommand("flowcJournalBegin", { numberOfKeys: 2, lua: BEGIN });
  redis.defineCommand("flowcJournalUpdate", { lua: UPDATE });
  redis.defineCommand("flowcJournalPut", { numberOfKeys: 0, lua: PUT });
  redis.defineCommand("flowcJournalMethod", { lua: METHOD });
  redis.defineCommand("flowcJournalRemove", { numberOfKeys: 5, lua: REMOVE });
  return redis;
}
