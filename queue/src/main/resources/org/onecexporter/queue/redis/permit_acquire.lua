-- 1C call permit: KEYS permits, onec_health; ARGV permit_id, max, lease_ms, probe_token ('' when the call is not
-- the fleet's probe). Returns {1, 0}, {0, ms until one may free}, or {-1, ms until the next probe} while the fleet
-- knows 1C is down and this call is not the probe (the call is not made).
-- The cap holds across every worker process; a killed worker's permit expires with its lease.
local now = now_ms()
local probe_wait = onec_probe_wait(KEYS[2], now)
if probe_wait and (ARGV[4] == '' or redis.call('HGET', KEYS[2], 'probe') ~= ARGV[4]) then
  return {-1, math.max(1, probe_wait)}
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  return {1, 0}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, math.max(1, tonumber(first[2]) - now)}
