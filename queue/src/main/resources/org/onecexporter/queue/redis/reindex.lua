-- reindex: one bounded step of a walk over the ready list or the DLQ.
-- 'ready_list': stamps the ready records whose ids the list holds, from the head on (a push at the head moves the
--   walk's entries further back, never past it: an id may be looked at twice, none is missed), so that after the
--   walk an unstamped ready record is known to have lost its entry. Done once per queue (ready_list_ok).
-- 'dlq': first moves the old DLQ list (P:dlq, JSON entries, written by versions before the sorted set and by an
--   older worker during a rolling upgrade) into the sorted set, oldest entries first, count a call: an entry of a
--   dead record becomes its member (at its dead_at; once, however many copies), one whose record vanished gets a
--   dead record rebuilt from the entry (so it stays in the DLQ, as it was), one whose record is in another state
--   (the order was queued again) just goes, and one without an order id goes to P:dead_unreadable. Then, whenever
--   the kept counts cannot be trusted (a move from the old list, a set or hash edited by hand), counts the set's
--   members by their records' reasons (count a call, from the oldest; a removal from the set moves the ranks: the
--   count starts again) into P:dlq_reasons_walk, which replaces P:dlq_reasons at the end.
-- Each call looks at up to count entries, so no call grows with the DLQ; the callers loop (DeadLetters, before a
-- drop, a requeue, a purge or the counts; the reconciler before its batches).
-- KEYS: 1 ready, 2 dlq (the sorted set), 3 dlq_reasons, 4 dlq_reasons_walk, 5 indexes, 6 the old DLQ list,
--   7 the unreadable entries
-- ARGV: 1 prefix, 2 which ('ready_list' | 'dlq' | 'dlq_move': only the move from the old list, not the count), 3 count
-- Answers: {done (1: nothing left to walk), entries looked at, entries left to look at}
-- Replay: a resent call makes the next step (the walk's place is kept in P:indexes and in the lists): harmless.
--- @include "includes/states"
--- @include "includes/job_key"
--- @include "includes/dlq_entry_id"
--- @include "includes/dlq_reasons"
--- @include "includes/indexes"
--- @include "includes/now_ms"
--- @include "includes/dead_set"
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

local dead, legacy, unreadable = KEYS[2], KEYS[6], KEYS[7]
local moving = redis.call('LRANGE', legacy, -count, -1)
if #moving > 0 then
  redis.call('LTRIM', legacy, 0, -#moving - 1)
  local now = nil
  for i = #moving, 1, -1 do -- oldest first
    local entry = moving[i]
    dlq_count(ARGV[1], dlq_entry_reason(entry), -1)
    local id = dlq_entry_id(entry)
    if not id then
      redis.call('LPUSH', unreadable, entry)
      dlq_count(ARGV[1], 'unreadable', 1)
    else
      local job = job_key(ARGV[1], id)
      local r = redis.call('HMGET', job, 'state', 'reason', 'dead_at')
      if not r[1] then
        -- the record vanished: rebuilt from the entry, so that the order stays in the DLQ as it was
        now = now or now_ms()
        local ok, e = pcall(cjson.decode, entry)
        if not ok or type(e) ~= 'table' then
          e = {}
        end
        local function text(v, default)
          if type(v) == 'string' or type(v) == 'number' then
            return tostring(v)
          end
          return default
        end
        r = {STATE_DEAD, text(e.reason, dlq_entry_reason(entry)), text(e.dead_at, tostring(now))}
        redis.call('HSET', job, 'state', STATE_DEAD, 'reason', r[2], 'dead_at', r[3],
          'attempts', text(e.attempts, '0'), 'stalls', text(e.stalls, '0'),
          'infra_failures', text(e.infra_failures, '0'), 'enqueued_at', text(e.enqueued_at, '0'),
          'first_error', text(e.first_error, ''), 'last_error', text(e.last_error, entry),
          'last_http_status', text(e.last_http_status, '0'), 'source', 'unknown')
        if text(e.invoice_number, nil) then
          redis.call('HSET', job, 'invoice_number', text(e.invoice_number, ''))
        end
      end
      if r[1] == STATE_DEAD and redis.call('ZADD', dead, 'NX', dead_score_ms(r[3]), id) == 1 then
        dlq_count(ARGV[1], r[2] or 'unknown', 1)
      end
      -- a record in another state: the order was queued again, its old entry just goes
    end
  end
  -- counted again once the list is moved
  redis.call('HDEL', key, 'dlq_ok', 'dlq_walk', 'dlq_walk_shifts')
  local left = redis.call('LLEN', legacy)
  return {0, #moving, left + redis.call('ZCARD', dead)}
end
if ARGV[2] == 'dlq_move' then
  return {1, 0, 0}
end

local st = redis.call('HMGET', key, 'dlq_ok', 'dlq_walk', 'dlq_walk_shifts', 'dlq_shifts')
local members = redis.call('ZCARD', dead)
local len = members + redis.call('LLEN', unreadable)
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
      return {1, 0, 0}
    end
  end
  -- a count starts, or starts again (a member left or came in other than at the newest end since it began)
  from = 0
  redis.call('DEL', KEYS[4])
end
local ids = redis.call('ZRANGE', dead, from, from + count - 1)
local counts = {}
for _, id in ipairs(ids) do
  local r = redis.call('HMGET', job_key(ARGV[1], id), 'state', 'reason')
  local reason = (r[1] == STATE_DEAD and r[2]) or 'unknown'
  counts[reason] = (counts[reason] or 0) + 1
end
for reason, n in pairs(counts) do
  redis.call('HINCRBY', KEYS[4], reason, n)
end
from = from + #ids
if from >= members then
  local n = redis.call('LLEN', unreadable)
  if n > 0 then
    redis.call('HINCRBY', KEYS[4], 'unreadable', n)
  end
  redis.call('DEL', KEYS[3])
  if redis.call('EXISTS', KEYS[4]) == 1 then
    redis.call('RENAME', KEYS[4], KEYS[3])
  end
  redis.call('HSET', key, 'dlq_ok', '1')
  redis.call('HDEL', key, 'dlq_walk', 'dlq_walk_shifts')
  return {1, #ids, 0}
end
redis.call('HSET', key, 'dlq_walk', from, 'dlq_walk_shifts', shifts)
return {0, #ids, members - from}
