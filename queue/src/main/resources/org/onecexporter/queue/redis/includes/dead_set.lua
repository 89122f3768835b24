--- @include "includes/job_key"
--- @include "includes/dlq_reasons"
-- The DLQ is a sorted set P:dead (order id -> dead_at, ms): adding, finding and removing one order costs
-- O(log N), however many are dead. An entry's text (JSON) is rendered from the dead record (includes/dlq_entry).
-- Two lists stay beside it: P:dlq, the DLQ as versions before the set kept it (LIST of JSON entries, newest first;
-- reindex.lua moves its entries into the set in bounded steps, those an older worker still pushes during a rolling
-- upgrade too), and P:dead_unreadable, entries without an order id (pushed by hand onto the old list), kept for a
-- person and counted as 'unreadable'; purge and requeue of every entry empty it.
local function legacy_dlq_key(prefix)
  return prefix .. ':dlq'
end

local function dlq_unreadable_key(prefix)
  return prefix .. ':dead_unreadable'
end

-- Entries the DLQ holds: the set, the old list (empty once moved) and the unreadable entries.
local function dlq_total(prefix, dead)
  return redis.call('ZCARD', dead) + redis.call('LLEN', legacy_dlq_key(prefix))
    + redis.call('LLEN', dlq_unreadable_key(prefix))
end

-- A member's score: when it died, in µs (dead-lettered one after another within a ms, they keep their order),
-- written out whole (a Lua number would go as 14 digits). Exact in a double until the year 2255.
local function dead_score_now()
  local t = redis.call('TIME')
  return string.format('%.0f', tonumber(t[1]) * 1000000 + tonumber(t[2]))
end

-- The score of a record that died at ms (its dead_at field; 0 when none).
local function dead_score_ms(ms)
  return string.format('%.0f', (tonumber(ms or '0') or 0) * 1000)
end

-- Drops up to n of the oldest unreadable entries (they name no job to requeue or delete): how many went.
local function drop_unreadable(prefix, n)
  local unreadable = dlq_unreadable_key(prefix)
  n = math.min(n, redis.call('LLEN', unreadable))
  if n > 0 then
    redis.call('LTRIM', unreadable, 0, -n - 1)
    dlq_count(prefix, 'unreadable', -n)
  end
  return n
end
