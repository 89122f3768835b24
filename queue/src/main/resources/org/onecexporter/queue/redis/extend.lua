-- extend: renews the leases of a worker's jobs (every third of the lease, all of them in one call).
-- KEYS: 1 active
-- ARGV: 1 prefix, 2 lease_ms, then per job: order_id, token
-- Answers: per job 'done' or a lease_refusal code
-- Replay: idempotent (a second run sets a deadline a few ms later).
--- @include "includes/now_ms"
--- @include "includes/job_key"
--- @include "includes/lease"
local deadline = now_ms() + tonumber(ARGV[2])
local results = {}
for i = 3, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local job = job_key(ARGV[1], id)
  local refusal = lease_refusal(job, token)
  if refusal then
    results[#results + 1] = refusal
  else
    redis.call('ZADD', KEYS[1], 'XX', deadline, id)
    redis.call('HSET', job, 'lease_until', deadline)
    results[#results + 1] = 'done'
  end
end
return results
