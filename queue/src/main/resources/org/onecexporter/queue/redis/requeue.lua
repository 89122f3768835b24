-- requeue: DLQ entries back to the ready list, attempts, stalls and failures on our side reset.
-- KEYS: 1 dlq (the sorted set), 2 ready, 3 wake, 4 stats
-- ARGV: 1 prefix, 2 call ('' by hand), 3 window_ms, 4 target: '=' (the orders from ARGV[8] on, found by their
--   dead records: what JobQueue sends for one order and for the reconciler's orders), an order id (the same for it),
--   '*' (every entry) or '+' (the entries of the order ids from ARGV[8] on), 5 reason ('' or absent: any; else only
--   entries of it), 6 skip (default 0), 7 count (default 100), then for targets '=' and '+' the order ids
-- Target '=' reads no other entry: an order whose record is dead leaves the sorted set with one ZREM (O(log N)), and
-- while the old DLQ list still holds entries (a move under way, see reindex.lua) its entry there with one LREM of
-- the text dead_letter wrote; an order without a dead record has none and costs nothing.
-- The other targets look at up to count members, oldest first, past the skip oldest ones (those an earlier call of
-- the same requeue looked at and left in the DLQ), then (target '*' with any reason) at the unreadable entries,
-- which go without a job. DeadLetters calls it once per 10 entries, each call passing on the entries left so far as
-- skip, so a large DLQ never blocks Redis in one long call; new entries arrive at the newest end and do not move
-- the oldest ones. A member whose record vanished gets one; one whose record is in another state just leaves.
-- Answers: {requeued, kept (looked at, left in the DLQ), looked at (target '=': entries removed), the DLQ's size
--   before}
-- Replay: the answer is kept under P:reply:<call> for window_ms when an entry moved.
-- From a shell: ops/requeue-dlq --all | <order_id>
--- @include "includes/states"
--- @include "includes/now_ms"
--- @include "includes/wake"
--- @include "includes/job_key"
--- @include "includes/replay"
--- @include "includes/dlq_entry"
--- @include "includes/dlq_reasons"
--- @include "includes/indexes"
--- @include "includes/dead_set"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local len = dlq_total(ARGV[1], KEYS[1])
local now = now_ms()
local target = ARGV[4]
local reason_wanted = ARGV[5] or ''

-- The record of an order whose entries left the DLQ (state: its record's, false when none): ready again, at the
-- back of the line, attempts reset (an entry whose record vanished gets one). A record in another state (the order
-- was queued again meanwhile) stays.
local function requeue_record(id, state)
  local job = job_key(ARGV[1], id)
  if state and state ~= STATE_DEAD then
    return 0
  end
  redis.call('HSET', job, 'state', STATE_READY, 'attempts', 0, 'stalls', 0, 'infra_failures', 0,
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

if target ~= '*' and target ~= '+' then
  local first = 8
  if target ~= '=' then
    first = 4 -- one order id, as target
  end
  local legacy = legacy_dlq_key(ARGV[1])
  local legacy_held = redis.call('LLEN', legacy) > 0
  local requeued, removed = 0, 0
  for i = first, (target == '=') and #ARGV or 4 do
    local id = ARGV[i]
    local r = redis.call('HMGET', job_key(ARGV[1], id), 'state', 'reason')
    if r[1] == STATE_DEAD and (reason_wanted == '' or r[2] == reason_wanted) then
      local n = redis.call('ZREM', KEYS[1], id)
      if legacy_held then
        n = n + redis.call('LREM', legacy, 0, dlq_entry(ARGV[1], id))
      end
      if n > 0 then
        dlq_count(ARGV[1], r[2] or 'unknown', -n)
        removed = removed + n
        requeued = requeued + requeue_record(id, r[1])
      end
    end
  end
  return finish(requeued, removed, {requeued, 0, removed, len})
end

local skip = tonumber(ARGV[6] or '0') or 0
local count = tonumber(ARGV[7] or '') or 100
local wanted = nil
if target == '+' then
  wanted = {}
  for i = 8, #ARGV do
    wanted[ARGV[i]] = true
  end
end
local ids = redis.call('ZRANGE', KEYS[1], skip, skip + count - 1) -- oldest first
local requeued = 0
local removed = 0
for _, id in ipairs(ids) do
  local match = wanted == nil or wanted[id] == true
  if match then
    local r = redis.call('HMGET', job_key(ARGV[1], id), 'state', 'reason')
    local reason = (r[1] == STATE_DEAD and r[2]) or 'unknown'
    if reason_wanted ~= '' then
      match = r[1] == STATE_DEAD and reason == reason_wanted
    end
    if match then
      redis.call('ZREM', KEYS[1], id)
      dlq_count(ARGV[1], reason, -1)
      removed = removed + 1
      requeued = requeued + requeue_record(id, r[1])
    end
  end
end
local kept = #ids - removed
local looked = #ids
if target == '*' and reason_wanted == '' and looked < count then
  -- every member looked at: the unreadable entries go too (they name no job to requeue)
  local n = drop_unreadable(ARGV[1], count - looked)
  removed = removed + n
  looked = looked + n
end
return finish(requeued, removed, {requeued, kept, looked, len})
