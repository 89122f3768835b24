-- purge: empties the DLQ in bounded steps, oldest entries first: each call drops up to count entries and the dead
-- job records they name (then the unreadable entries), so that no call grows with the DLQ (DeadLetters.purge calls
-- it until the entries the DLQ held when it started are gone; an enqueue between two calls waits for one step, not
-- for the whole DLQ). The old DLQ list is moved into the set by reindex.lua first (DeadLetters does it).
-- KEYS: 1 dlq (the sorted set)
-- ARGV: 1 prefix, 2 call, 3 window_ms, 4 count
-- Answers: {entries dropped by this call, entries left}
-- Replay: the answer is kept under P:reply:<call> for window_ms.
--- @include "includes/states"
--- @include "includes/job_key"
--- @include "includes/replay"
--- @include "includes/dlq_reasons"
--- @include "includes/indexes"
--- @include "includes/dead_set"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local count = tonumber(ARGV[4])
local ids = redis.call('ZRANGE', KEYS[1], 0, count - 1)
for _, id in ipairs(ids) do
  local job = job_key(ARGV[1], id)
  local r = redis.call('HMGET', job, 'state', 'reason')
  if r[1] == STATE_DEAD then
    redis.call('DEL', job)
    dlq_count(ARGV[1], r[2] or 'unknown', -1)
  else
    dlq_count(ARGV[1], 'unknown', -1)
  end
end
local dropped = #ids
if dropped > 0 then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, dropped - 1)
  dlq_shifted(ARGV[1])
end
if dropped < count then
  dropped = dropped + drop_unreadable(ARGV[1], count - dropped)
end
local left = dlq_total(ARGV[1], KEYS[1])
if left == 0 then
  redis.call('DEL', dlq_reasons_key(ARGV[1]))
end
return remember(ARGV[1], ARGV[2], {dropped, left}, ARGV[3])
