-- reindex: one bounded step of a walk over the ready list or the DLQ (includes/indexes describes the stamps).
-- 'ready_list': stamps the ready records whose ids the list holds, from the head on (a push at the head moves the walk's
--   entries further back, never past it: an id may be looked at twice, none is missed), so that after the walk an
--   unstamped ready record is known to have lost its entry. Done once per queue (ready_list_ok).
-- 'dlq': from the oldest entry on, stamps the dead records the DLQ holds, rewrites an entry of a dead record that
--   is not as dead_letter writes it (an entry from an older version or pushed by hand: drop and requeue find an
--   order's entry by that text), and counts the entries by reason into P:dlq_reasons_walk, which replaces
--   P:dlq_reasons when the walk reaches the newest entry. Runs once per queue (dlq_ok), and again whenever the kept
--   counts do not add up to the list's length (a list or hash edited by hand). Entries pushed during the walk are at
--   the head, where it is going; an entry removed during it moves the positions: the walk starts again.
-- Each call looks at up to count entries, so no call grows with the list; the callers loop (DeadLetters, before a
-- drop, a requeue or the counts; the reconciler before its batches).
-- KEYS: 1 ready, 2 dlq, 3 dlq_reasons, 4 dlq_reasons_walk, 5 indexes
-- ARGV: 1 prefix, 2 which ('ready_list' | 'dlq'), 3 count
-- Answers: {done (1: nothing left to walk), entries looked at, the list's length}
-- Replay: a resent call makes the next step (the walk's place is kept in P:indexes): harmless.
--- @include "includes/states"
--- @include "includes/job_key"
--- @include "includes/dlq_entry"
--- @include "includes/dlq_entry_id"
--- @include "includes/dlq_reasons"
--- @include "includes/indexes"
local key = KEYS[5]
local count = tonumber(ARGV[3])
if ARGV[2] == INDEX_READY then
  local st = redis.call('HMGET', key, 'ready_list_ok', 'ready_list_walk')
  if st[1] == '1' then
    return {1, 0, 0}
  end
  local from = tonumber(st[2] or '0')
  local ids = redis.call('LRANGE', KEYS[1], from, from + count - 1)
  local epoch = redis.call('HGET', key, 'ready_list_epoch') or '0'
  for _, id in ipairs(ids) do
    local job = job_key(ARGV[1], id)
    if redis.call('HGET', job, 'state') == STATE_READY then
      redis.call('HSET', job, 'ready_list_epoch', epoch)
    end
  end
  if #ids < count then
    redis.call('HSET', key, 'ready_list_ok', '1')
    redis.call('HDEL', key, 'ready_list_walk')
    return {1, #ids, 0}
  end
  redis.call('HSET', key, 'ready_list_walk', from + #ids)
  return {0, #ids, redis.call('LLEN', KEYS[1])}
end

local st = redis.call('HMGET', key, 'dlq_ok', 'dlq_walk', 'dlq_walk_shifts', 'dlq_shifts')
local len = redis.call('LLEN', KEYS[2])
local shifts = st[4] or '0'
local from
if st[2] and st[3] == shifts then
  from = tonumber(st[2])
else
  if not st[2] and st[1] == '1' then
    local sum = 0
    for _, n in ipairs(redis.call('HVALS', KEYS[3])) do
      sum = sum + tonumber(n)
    end
    if sum == len then
      return {1, 0, len}
    end
  end
  -- a walk starts, or starts again (an entry left the DLQ since it began)
  from = 0
  redis.call('DEL', KEYS[4])
end
local newest = len - 1 - from -- head-based index of the next entry to look at
local entries = {}
local oldest = 0
if newest >= 0 then
  oldest = math.max(0, newest - count + 1)
  entries = redis.call('LRANGE', KEYS[2], oldest, newest)
end
local epoch = redis.call('HGET', key, 'dlq_epoch') or '0'
local counts = {}
for i = #entries, 1, -1 do
  local entry = entries[i]
  local reason = dlq_entry_reason(entry)
  local id = dlq_entry_id(entry)
  if id then
    local job = job_key(ARGV[1], id)
    local r = redis.call('HMGET', job, 'state', 'reason')
    if r[1] == STATE_DEAD then
      local canonical = dlq_entry(ARGV[1], id)
      if canonical ~= entry then
        redis.call('LSET', KEYS[2], oldest + i - 1, canonical)
        reason = r[2] or 'unknown'
      end
      redis.call('HSET', job, 'dlq_epoch', epoch)
    end
  end
  counts[reason] = (counts[reason] or 0) + 1
end
for reason, n in pairs(counts) do
  redis.call('HINCRBY', KEYS[4], reason, n)
end
from = from + #entries
if from >= len then
  redis.call('DEL', KEYS[3])
  if redis.call('EXISTS', KEYS[4]) == 1 then
    redis.call('RENAME', KEYS[4], KEYS[3])
  end
  redis.call('HSET', key, 'dlq_ok', '1')
  redis.call('HDEL', key, 'dlq_walk', 'dlq_walk_shifts')
  return {1, #entries, len}
end
redis.call('HSET', key, 'dlq_walk', from, 'dlq_walk_shifts', shifts)
return {0, #entries, len}
