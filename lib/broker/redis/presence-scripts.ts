import { createHash } from 'node:crypto';

/*
 * Cluster presence in Redis, in the spirit of Centrifuge's presence: every node keeps its own
 * per-room member counts, tagged with its id (unique per process start, so a restarted node is a
 * new incarnation and never inherits its predecessor's counts), and a deadline it renews with
 * every heartbeat. Reads skip nodes past their deadline at once; heartbeats purge them.
 *
 *   <p>:nodes          ZSET  node id -> deadline (ms, Redis clock)
 *   <p>:room:<room>    HASH  node id -> members of <room> on that node
 *   <p>:node:<id>      SET   rooms the node has members in (to purge it, and to list rooms)
 *
 * Times come from Redis (TIME), so node clocks never need to agree. Each script is one round
 * trip. Keys are built inside the scripts, so this needs one Redis (or a primary behind
 * Sentinel), not Redis Cluster.
 */

const NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/*
 * Every write renews the TTL of the registry, of the node's room set and of the room counts it
 * writes (ten node timeouts; RENEW keeps the counts of a node's quiet rooms alive), so a cluster
 * that is gone entirely (every node killed) leaves nothing behind.
 */
const KEEP = `
local function keep(p, id, ttl)
  redis.call('PEXPIRE', p .. ':nodes', ttl * 10)
  redis.call('PEXPIRE', p .. ':node:' .. id, ttl * 10)
end
local function keepRoom(p, room, ttl)
  redis.call('PEXPIRE', p .. ':room:' .. room, ttl * 10)
end`;

const PURGE = `
local function purge(p, id)
  local set = p .. ':node:' .. id
  for _, room in ipairs(redis.call('SMEMBERS', set)) do redis.call('HDEL', p .. ':room:' .. room, id) end
  redis.call('DEL', set)
  redis.call('ZREM', p .. ':nodes', id)
end`;

/** A Lua script run by its SHA1, loaded again when Redis lost it (a restart). */
export class PresenceScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

/**
 * ARGV: prefix, node id, ttl ms, reset (1: drop every count of this node first), then room, count pairs
 * (count 0 removes the room). Renews the node's deadline. Returns 1 if the node was not registered
 * (never, or purged: its other counts are missing and must be written again).
 */
export const UPDATE = new PresenceScript(`${NOW}${PURGE}${KEEP}
local p, id = ARGV[1], ARGV[2]
if ARGV[4] == '1' then purge(p, id) end
local added = redis.call('ZADD', p .. ':nodes', now + tonumber(ARGV[3]), id)
local set = p .. ':node:' .. id
for i = 5, #ARGV, 2 do
  local room, count = ARGV[i], ARGV[i + 1]
  if count == '0' then
    redis.call('HDEL', p .. ':room:' .. room, id)
    redis.call('SREM', set, room)
  else
    redis.call('HSET', p .. ':room:' .. room, id, count)
    redis.call('SADD', set, room)
    keepRoom(p, room, tonumber(ARGV[3]))
  end
end
keep(p, id, tonumber(ARGV[3]))
if ARGV[4] == '1' then return 0 end
return added`);

/** ARGV: prefix, node id, ttl ms. Renews the node's deadline, purges nodes past theirs. Returns {added, purged}. */
export const HEARTBEAT = new PresenceScript(`${NOW}${PURGE}${KEEP}
local p, id = ARGV[1], ARGV[2]
local added = redis.call('ZADD', p .. ':nodes', now + tonumber(ARGV[3]), id)
keep(p, id, tonumber(ARGV[3]))
local dead = redis.call('ZRANGEBYSCORE', p .. ':nodes', '-inf', '(' .. now)
for _, node in ipairs(dead) do purge(p, node) end
return {added, #dead}`);

/** ARGV: prefix, ttl ms, then rooms: renews the TTL of those rooms' counts (a node's rooms, in chunks). */
export const RENEW = new PresenceScript(`${KEEP}
local p, ttl = ARGV[1], tonumber(ARGV[2])
for i = 3, #ARGV do keepRoom(p, ARGV[i], ttl) end
return #ARGV - 2`);

/** ARGV: prefix, node id, room. Members of the room on every live node but this one. */
export const ROOM_SIZE = new PresenceScript(`${NOW}
local p, id = ARGV[1], ARGV[2]
local counts = redis.call('HGETALL', p .. ':room:' .. ARGV[3])
local total = 0
for i = 1, #counts, 2 do
  if counts[i] ~= id then
    local deadline = redis.call('ZSCORE', p .. ':nodes', counts[i])
    if deadline and tonumber(deadline) >= now then total = total + tonumber(counts[i + 1]) end
  end
end
return total`);

/** ARGV: prefix, node id. Rooms with members on any live node but this one. */
export const ROOMS = new PresenceScript(`${NOW}
local p, id = ARGV[1], ARGV[2]
local seen, rooms = {}, {}
for _, node in ipairs(redis.call('ZRANGEBYSCORE', p .. ':nodes', now, '+inf')) do
  if node ~= id then
    for _, room in ipairs(redis.call('SMEMBERS', p .. ':node:' .. node)) do
      if not seen[room] then seen[room] = true; rooms[#rooms + 1] = room end
    end
  end
end
return rooms`);

/** ARGV: prefix, node id. The node leaves: every count of it goes. */
export const LEAVE = new PresenceScript(`${PURGE}
purge(ARGV[1], ARGV[2])
return 1`);
