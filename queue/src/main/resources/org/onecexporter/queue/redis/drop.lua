-- drop: lets one order go from the DLQ: its entry and its dead job record, nothing else (purge.lua empties the
-- whole DLQ). Found by its dead record and removed from the sorted set (ZREM, O(log N)); while the old DLQ list
-- still holds entries (a migration under way, see reindex.lua) the order's entry there goes too (one LREM of the
-- text dead_letter wrote, rebuilt from the record). An order without a dead record has no entry and costs nothing.
-- KEYS: 1 dlq (the sorted set)
-- ARGV: 1 prefix, 2 call, 3 window_ms, 4 order_id
-- Answers: how many entries went
-- Replay: the answer is kept under P:reply:<call> for window_ms when an entry went.
--- @include "includes/states"
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
local job = job_key(ARGV[1], ARGV[4])
local r = redis.call('HMGET', job, 'state', 'reason')
if r[1] ~= STATE_DEAD then
  return 0
end
local dropped = redis.call('ZREM', KEYS[1], ARGV[4])
local legacy = legacy_dlq_key(ARGV[1])
if redis.call('LLEN', legacy) > 0 then
  dropped = dropped + redis.call('LREM', legacy, 0, dlq_entry(ARGV[1], ARGV[4]))
end
if dropped > 0 then
  dlq_count(ARGV[1], r[2] or 'unknown', -dropped)
  dlq_shifted(ARGV[1])
  redis.call('DEL', job)
  remember(ARGV[1], ARGV[2], dropped, ARGV[3])
end
return dropped
