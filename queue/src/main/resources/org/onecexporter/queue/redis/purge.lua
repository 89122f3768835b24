-- purge: empties the DLQ and drops the dead job records.
-- KEYS: 1 dlq
-- ARGV: 1 prefix, 2 call, 3 window_ms
-- Answers: how many entries went
-- Replay: the answer is kept under P:reply:<call> for window_ms.
--- @include "includes/states"
--- @include "includes/job_key"
--- @include "includes/replay"
--- @include "includes/dlq_reasons"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local entries = redis.call('LRANGE', KEYS[1], 0, -1)
for _, entry in ipairs(entries) do
  local ok, decoded = pcall(cjson.decode, entry)
  if ok and type(decoded) == 'table' and decoded.order_id ~= nil then
    local job = job_key(ARGV[1], tostring(decoded.order_id))
    if redis.call('HGET', job, 'state') == STATE_DEAD then
      redis.call('DEL', job)
    end
  end
end
redis.call('DEL', KEYS[1])
redis.call('DEL', dlq_reasons_key(ARGV[1]))
return remember(ARGV[1], ARGV[2], #entries, ARGV[3])
