-- ack: KEYS active, stats; ARGV prefix, order_id, token, outcome. The job is done and forgotten.
local job = job_key(ARGV[1], ARGV[2])
if redis.call('HGET', job, 'token') ~= ARGV[3] then
  return 0
end
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('DEL', job)
redis.call('HINCRBY', KEYS[2], ARGV[4], 1)
return 1
