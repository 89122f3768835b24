-- claim: KEYS ready, delayed, active, wake, onec_health; ARGV prefix, token, lease_ms, worker, max (default 1)
-- Promotes due delayed jobs, takes up to max of the oldest ready ones, leases each to the caller's random token
-- (suffixed ':1', ':2', … per job) and counts the attempt. Returns {id, job_token, attempts, invoice_number,
-- enqueued_at, probe, infra_failures, traceparent} per job (claim_jobs in prelude.lua), or {'', ms until the next delayed job or -1} when none is ready. While the fleet knows 1C is down, only
-- the probe is leased (one job, once its time has come); otherwise {'', ms until the probe may go}.
-- Safe to replay: the same token answers the same jobs (claim_replay in prelude.lua).
local replayed = claim_replay(ARGV[1], ARGV[2])
if replayed then
  return replayed
end
local now = now_ms()
local claimed, probe_wait = claim_jobs(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3], ARGV[4],
  tonumber(ARGV[5] or '1'), now, KEYS[5])
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
claim_remember(ARGV[1], ARGV[2], claimed, ARGV[3])
return claimed
