-- 1C's fleet-wide health after a call: KEYS onec_health, stats, wake; ARGV op, token, threshold, open_ms, max_open_ms,
-- order_id.
-- op 'up': 1C answered (anything but a transient failure). 'fail': a transient failure (5xx, timeout, refused).
-- 'down': 1C said it is down for everyone (403 sessions locked). 'release': the probe's job ended without
-- calling 1C (already exported, rejected before the call), so another job may probe now.
-- Returns {state, refund, wait_ms}: refund 1 when the failure does not look specific to the order (1C is down, or
-- another order's call failed just before this one with no answer in between: the attempt is not counted);
-- wait_ms until the next probe.
local now = now_ms()
local op = ARGV[1]
if op == 'up' then
  onec_answered(KEYS[1], KEYS[2], KEYS[3])
  return {'up', 0, 0}
end
local h = redis.call('HMGET', KEYS[1], 'state', 'probe', 'interval', 'next_probe_at')
local is_probe = ARGV[2] ~= '' and h[2] == ARGV[2]
if op == 'release' then
  if is_probe then
    redis.call('HDEL', KEYS[1], 'probe', 'probe_until')
  end
  return {h[1] or 'up', 0, 0}
end
local open_ms = tonumber(ARGV[4])
if h[1] == 'down' then
  local next_at = tonumber(h[4] or '0')
  if is_probe then
    -- The probe failed: the next one waits longer (doubling up to max_open_ms) while the outage lasts.
    local interval = math.min(tonumber(h[3] or ARGV[4]) * 2, tonumber(ARGV[5]))
    next_at = now + interval
    redis.call('HSET', KEYS[1], 'interval', interval, 'next_probe_at', next_at)
    redis.call('HDEL', KEYS[1], 'probe', 'probe_until')
  end
  return {'down', 1, math.max(1, next_at - now)}
end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local previous = redis.call('HGET', KEYS[1], 'last_failed')
redis.call('HSET', KEYS[1], 'last_failed', ARGV[6])
if op == 'down' or failures >= tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'state', 'down', 'down_since', now, 'next_probe_at', now + open_ms, 'interval', open_ms,
    'failures', 0)
  redis.call('HDEL', KEYS[1], 'probe', 'probe_until')
  redis.call('HINCRBY', KEYS[2], 'circuit_open', 1)
  return {'down', 1, open_ms}
end
return {'up', (failures >= 2 and previous ~= ARGV[6]) and 1 or 0, 0}
