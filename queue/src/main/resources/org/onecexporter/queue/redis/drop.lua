-- drop: lets one order go from the DLQ: its entries and its dead job record, nothing else (purge.lua empties the
-- whole DLQ).
-- KEYS: 1 dlq
-- ARGV: 1 prefix, 2 call, 3 window_ms, 4 order_id
-- Answers: how many entries went
-- Replay: the answer is kept under P:reply:<call> for window_ms when an entry went.
--- @include "includes/states"
--- @include "includes/job_key"
--- @include "includes/replay"
--- @include "includes/dlq_reasons"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local entries = redis.call('LRANGE', KEYS[1], 0, -1)
local dropped = 0
for _, entry in ipairs(entries) do
  local ok, decoded = pcall(cjson.decode, entry)
  if ok and type(decoded) == 'table' and decoded.order_id ~= nil and tostring(decoded.order_id) == ARGV[4] then
    redis.call('LREM', KEYS[1], 1, entry)
    dlq_count(ARGV[1], dlq_entry_reason(entry), -1)
    dropped = dropped + 1
  end
end
if dropped > 0 then
  local job = job_key(ARGV[1], ARGV[4])
  if redis.call('HGET', job, 'state') == STATE_DEAD then
    redis.call('DEL', job)
  end
  remember(ARGV[1], ARGV[2], dropped, ARGV[3])
end
return dropped
