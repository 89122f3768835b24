-- purge: empties the DLQ in bounded steps, oldest entries first: each call drops up to count entries and the dead
-- job records they name, so that no call grows with the DLQ (DeadLetters.purge calls it until the entries the DLQ
-- held when it started are gone; an enqueue between two calls waits for one step, not for the whole DLQ).
-- KEYS: 1 dlq
-- ARGV: 1 prefix, 2 call, 3 window_ms, 4 count
-- Answers: {entries dropped by this call, entries left}
-- Replay: the answer is kept under P:reply:<call> for window_ms.
--- @include "includes/states"
--- @include "includes/job_key"
--- @include "includes/replay"
--- @include "includes/dlq_entry_id"
--- @include "includes/dlq_reasons"
--- @include "includes/indexes"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local entries = redis.call('LRANGE', KEYS[1], -tonumber(ARGV[4]), -1)
for _, entry in ipairs(entries) do
  local id = dlq_entry_id(entry)
  if id then
    local job = job_key(ARGV[1], id)
    if redis.call('HGET', job, 'state') == STATE_DEAD then
      redis.call('DEL', job)
    end
  end
  dlq_count(ARGV[1], dlq_entry_reason(entry), -1)
end
redis.call('LTRIM', KEYS[1], 0, -#entries - 1)
if #entries > 0 then
  dlq_shifted(ARGV[1])
end
local left = redis.call('LLEN', KEYS[1])
if left == 0 then
  redis.call('DEL', dlq_reasons_key(ARGV[1]))
end
return remember(ARGV[1], ARGV[2], {#entries, left}, ARGV[3])
