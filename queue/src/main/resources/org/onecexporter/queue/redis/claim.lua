-- claim: promotes due delayed jobs, leases up to max of the oldest ready ones to the caller (claim_jobs) and counts
-- each attempt. While the fleet knows 1C is down, only the probe is leased (one job, once its time has come).
-- KEYS: 1 ready, 2 delayed, 3 active, 4 wake, 5 onec_health, 6 outage_waits
-- ARGV: 1 prefix, 2 token (a fresh random id per call), 3 lease_ms, 4 worker, 5 max (default 1)
-- Answers: {id, job_token, attempts, invoice_number, enqueued_at, probe, infra_failures, traceparent} per job |
--   {'', ms until the next delayed job is due, or -1} when none is ready | {'', ms until the probe may go}
-- Replay: the answer is kept under P:reply:<token> for the lease; a resent call answers the same jobs.
--- @include "includes/now_ms"
--- @include "includes/replay"
--- @include "includes/claim_jobs"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local now = now_ms()
local claimed, probe_wait = claim_jobs(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3], ARGV[4],
  tonumber(ARGV[5] or '1'), now, KEYS[5], KEYS[6])
if probe_wait then
  return {'', tostring(probe_wait)}
end
if #claimed == 0 then
  local nxt = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  if nxt[2] then
    return {'', tostring(math.max(0, tonumber(nxt[2]) - now))}
  end
  return {'', '-1'}
end
return remember(ARGV[1], ARGV[2], claimed, ARGV[3])
