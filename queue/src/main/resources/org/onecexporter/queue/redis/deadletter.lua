-- deadletter: the job goes to the DLQ (rejected, refused, exhausted, malformed, infrastructure) with everything an
-- operator needs, as one JSON line.
-- KEYS: 1 active, 2 dlq, 3 stats
-- ARGV: 1 prefix, 2 call, 3 window_ms, 4 order_id, 5 token, 6 reason, 7 error, 8 http_status, 9 invoice_number
-- Answers: 'done' | a lease_refusal code ('no_job', 'lease_lost')
-- Replay: the answer is kept under P:reply:<call> for window_ms.
--- @include "includes/now_ms"
--- @include "includes/job_key"
--- @include "includes/lease"
--- @include "includes/replay"
--- @include "includes/dead_letter"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local job = job_key(ARGV[1], ARGV[4])
local refusal = lease_refusal(job, ARGV[5])
if refusal then
  return refusal
end
redis.call('ZREM', KEYS[1], ARGV[4])
dead_letter(ARGV[1], KEYS[2], KEYS[3], ARGV[4], ARGV[6], ARGV[7], ARGV[8], ARGV[9], now_ms())
return remember(ARGV[1], ARGV[2], 'done', ARGV[3])
