-- extend leases: KEYS active; ARGV prefix, lease_ms, then per job: order_id, token.
-- Workers renew all their jobs in one call every third of the lease. Returns 1/0 per job (0: the lease was lost).
local deadline = now_ms() + tonumber(ARGV[2])
local results = {}
for i = 3, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local job = job_key(ARGV[1], id)
  if redis.call('HGET', job, 'token') == token then
    redis.call('ZADD', KEYS[1], 'XX', deadline, id)
    redis.call('HSET', job, 'lease_until', deadline)
    results[#results + 1] = 1
  else
    results[#results + 1] = 0
  end
end
return results
