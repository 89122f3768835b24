-- ack: the jobs are done and forgotten (ack_jobs); one call acks the jobs a worker finished together.
-- KEYS: 1 active, 2 stats, 3 export_times, 4 onec_health, 5 wake
-- ARGV: 1 prefix, 2 call, 3 window_ms, then per job: order_id, token, outcome, call_ms ('' when 1C was not called)
-- Answers: per job 'done' or a lease_refusal code ('no_job', 'lease_lost')
-- Replay: the answer is kept under P:reply:<call> for window_ms.
--- @include "includes/replay"
--- @include "includes/ack_jobs"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local out = ack_jobs(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV, 4, KEYS[4], KEYS[5])
for _, r in ipairs(out) do
  if r == 'done' then
    return remember(ARGV[1], ARGV[2], out, ARGV[3])
  end
end
return out
