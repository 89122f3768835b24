-- hand back (graceful shutdown): KEYS active, ready, wake; ARGV prefix, order_id, token.
-- The job goes to the front of the line and the unfinished attempt is not counted.
local job = job_key(ARGV[1], ARGV[2])
if redis.call('HGET', job, 'token') ~= ARGV[3] then
  return 0
end
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('HINCRBY', job, 'attempts', -1)
redis.call('HSET', job, 'state', STATE_READY)
redis.call('HDEL', job, 'token')
redis.call('RPUSH', KEYS[2], ARGV[2])
wake(KEYS[3])
return 1
