-- extend lease: KEYS active; ARGV prefix, order_id, token, lease_ms. 0 when the lease was lost.
local job = job_key(ARGV[1], ARGV[2])
if redis.call('HGET', job, 'token') ~= ARGV[3] then
  return 0
end
local deadline = now_ms() + tonumber(ARGV[4])
redis.call('ZADD', KEYS[1], 'XX', deadline, ARGV[2])
redis.call('HSET', job, 'lease_until', deadline)
return 1
