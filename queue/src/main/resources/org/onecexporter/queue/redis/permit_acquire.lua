-- permit_acquire: one of the fleet-wide permits for a call to 1C (ONEC_MAX_CONCURRENCY across every worker
-- process); a killed worker's permit expires with its lease. While the fleet knows 1C is down, only the probe's
-- call gets one.
-- KEYS: 1 onec_permits, 2 onec_health
-- ARGV: 1 permit_id, 2 max, 3 lease_ms, 4 probe_token ('' when the call is not the fleet's probe)
-- Answers: {'granted', 0} | {'busy', ms until one may free up} | {'onec_down', ms until the next probe} (the call
--   is not made)
-- Replay: a permit id that holds a permit already is granted again (its lease renewed).
--- @include "includes/now_ms"
--- @include "includes/onec_probe_wait"
local now = now_ms()
local held = redis.call('ZSCORE', KEYS[1], ARGV[1])
if held and tonumber(held) > now then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  return {'granted', 0}
end
local probe_wait = onec_probe_wait(KEYS[2], now)
if probe_wait and (ARGV[4] == '' or redis.call('HGET', KEYS[2], 'probe') ~= ARGV[4]) then
  return {'onec_down', math.max(1, probe_wait)}
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  return {'granted', 0}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {'busy', math.max(1, tonumber(first[2]) - now)}
