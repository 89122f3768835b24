-- 1C answered a call (any answer that is not a transient failure): the streak ends; when the fleet saw it down,
-- it is up again and idle workers are woken (the fleet-wide permit cap still limits the calls).
local function onec_answered(health, stats, wake_key)
  local h = redis.call('HMGET', health, 'state', 'failures')
  if h[1] == 'down' then
    redis.call('DEL', health)
    redis.call('HINCRBY', stats, 'circuit_closed', 1)
    for _ = 1, 16 do
      redis.call('LPUSH', wake_key, '1')
    end
    redis.call('LTRIM', wake_key, 0, 63)
  elseif h[2] and h[2] ~= '0' then
    redis.call('HSET', health, 'failures', 0)
    redis.call('HDEL', health, 'last_failed', 'last_failed_attempts')
  end
end
