-- requeue: DLQ entries back to the ready list, attempts, stalls and failures on our side reset.
-- KEYS: 1 dlq, 2 ready, 3 wake, 4 stats
-- ARGV: 1 prefix, 2 call ('' by hand), 3 window_ms, 4 target: '=' (the orders from ARGV[8] on, found by their
--   dead records: what JobQueue sends for one order and for the reconciler's orders), an order id, '*' (every
--   entry) or '+' (the entries of the order ids from ARGV[8] on), 5 reason ('' or absent: any; else only entries of
--   it), 6 skip (default 0), 7 count (default: the whole list), then for targets '=' and '+' the order ids
-- Target '=' reads no entry: an order whose record is dead has its entry as dead_letter wrote it (rebuilt from the
-- record; reindex.lua rewrites entries written otherwise), so one LREM takes every copy of it (one pass over the
-- list in C, no entry decoded in Lua), and an order without a dead record has none and costs nothing.
-- The other targets look at up to count entries, oldest first, past the skip oldest ones (those an earlier call of
-- the same requeue looked at and left in the list). JobQueue calls it once per 100 entries, each call passing on
-- the entries left so far as skip, so a large DLQ never blocks Redis in one long call; new entries arrive at the
-- head and do not move the oldest ones. Matched entries are marked in place (LSET) and removed with one LREM.
-- Answers: {requeued, kept (looked at, left in the list), looked at (target '=': entries removed), the list's
--   length before}
-- Replay: the answer is kept under P:reply:<call> for window_ms when an entry moved.
-- From a shell: ops/requeue-dlq --all | <order_id>
--- @include "includes/states"
--- @include "includes/now_ms"
--- @include "includes/wake"
--- @include "includes/job_key"
--- @include "includes/replay"
--- @include "includes/dlq_entry"
--- @include "includes/dlq_entry_id"
--- @include "includes/dlq_reasons"
--- @include "includes/indexes"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local len = redis.call('LLEN', KEYS[1])
local now = now_ms()
local target = ARGV[4]
local reason_wanted = ARGV[5] or ''

-- The record of an order whose entries left the DLQ: ready again, at the back of the line, attempts reset (an
-- entry whose record vanished gets one). A record in another state (the order was queued again meanwhile) stays.
local function requeue_record(id)
  local job = job_key(ARGV[1], id)
  local state = redis.call('HGET', job, 'state')
  if state and state ~= STATE_DEAD then
    return 0
  end
  redis.call('HSET', job, 'order_id', id, 'state', STATE_READY, 'attempts', 0, 'stalls', 0, 'infra_failures', 0,
    'requeued_at', now)
  redis.call('HSETNX', job, 'enqueued_at', now)
  redis.call('HDEL', job, 'token', 'dead_at', 'reason')
  push_home(ARGV[1], INDEX_READY, KEYS[2], 'LPUSH', id, id)
  return 1
end

local function finish(requeued, removed, answer)
  if requeued > 0 then
    wake(KEYS[3])
    redis.call('HINCRBY', KEYS[4], 'requeued', requeued)
  end
  if removed > 0 then
    dlq_shifted(ARGV[1])
    remember(ARGV[1], ARGV[2], answer, ARGV[3])
  end
  return answer
end

if target == '=' then
  local requeued, removed = 0, 0
  for i = 8, #ARGV do
    local id = ARGV[i]
    local r = redis.call('HMGET', job_key(ARGV[1], id), 'state', 'reason')
    if r[1] == STATE_DEAD and (reason_wanted == '' or r[2] == reason_wanted) then
      local n = redis.call('LREM', KEYS[1], 0, dlq_entry(ARGV[1], id))
      if n > 0 then
        dlq_count(ARGV[1], r[2] or 'unknown', -n)
        removed = removed + n
        requeued = requeued + requeue_record(id)
      end
    end
  end
  return finish(requeued, removed, {requeued, 0, removed, len})
end

local skip = tonumber(ARGV[6] or '0') or 0
local count = tonumber(ARGV[7] or '') or len
local wanted = nil
if target == '+' then
  wanted = {}
  for i = 8, #ARGV do
    wanted[ARGV[i]] = true
  end
end
-- head-based indexes of the newest and the oldest entry this call looks at
local newest = len - 1 - skip
local oldest = math.max(0, newest - count + 1)
if newest < 0 then
  return {0, 0, 0, len}
end
local entries = redis.call('LRANGE', KEYS[1], oldest, newest)
local requeued = 0
local removed = 0
local marker = '\0onec-requeue\0'
for i = #entries, 1, -1 do -- oldest first
  local entry = entries[i]
  local id = dlq_entry_id(entry)
  local match
  if target == '*' then
    match = true
  elseif wanted then
    match = id ~= nil and wanted[id] == true
  else
    match = id == target
  end
  if match and reason_wanted ~= '' then
    local ok, decoded = pcall(cjson.decode, entry)
    match = ok and type(decoded) == 'table' and decoded.reason == reason_wanted
  end
  if match then
    redis.call('LSET', KEYS[1], oldest + i - 1, marker)
    dlq_count(ARGV[1], dlq_entry_reason(entry), -1)
    removed = removed + 1
    if id then
      requeued = requeued + requeue_record(id)
    end
  end
end
if removed > 0 then
  redis.call('LREM', KEYS[1], -removed, marker)
end
return finish(requeued, removed, {requeued, #entries - removed, #entries, len})
