-- onec_health: records how a call to 1C went in the fleet-wide health (includes/onec_probe_wait describes the hash).
-- op 'up': 1C answered (anything but a transient failure). 'fail': a transient failure (5xx, timeout, refused).
-- 'down': 1C said it is down for everyone (403 sessions locked). 'release': the probe's job ended without calling
-- 1C (already exported, rejected before the call), so another job may probe now. threshold consecutive transient
-- failures across the fleet mark 1C down; then one probe per open_ms (doubling up to max_open_ms while probes
-- fail) calls it, and the first answer marks it up.
-- KEYS: 1 onec_health, 2 stats, 3 wake
-- ARGV: 1 prefix, 2 call, 3 window_ms, 4 op, 5 token (the job's lease token, '' when none), 6 threshold, 7 open_ms,
--   8 max_open_ms, 9 order_id
-- Answers: {state ('up'/'down'), refund, wait_ms}: refund 1 when the failure does not look specific to the order
--   (1C is down, or another order's call failed just before this one with no answer in between: the attempt is
--   not counted); wait_ms until the next probe.
-- Replay: 'up' is idempotent; the other answers are kept under P:reply:<call> for window_ms.
--- @include "includes/now_ms"
--- @include "includes/wake"
--- @include "includes/replay"
--- @include "includes/onec_answered"
local op = ARGV[4]
if op == 'up' then
  onec_answered(KEYS[1], KEYS[2], KEYS[3])
  return {'up', 0, 0}
end
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local now = now_ms()
local h = redis.call('HMGET', KEYS[1], 'state', 'probe', 'interval', 'next_probe_at')
local is_probe = ARGV[5] ~= '' and h[2] == ARGV[5]
local answer
if op == 'release' then
  if is_probe then
    redis.call('HDEL', KEYS[1], 'probe', 'probe_until')
  end
  answer = {h[1] or 'up', 0, 0}
elseif h[1] == 'down' then
  local next_at = tonumber(h[4] or '0')
  if is_probe then
    -- The probe failed: the next one waits longer (doubling up to max_open_ms) while the outage lasts.
    local interval = math.min(tonumber(h[3] or ARGV[7]) * 2, tonumber(ARGV[8]))
    next_at = now + interval
    redis.call('HSET', KEYS[1], 'interval', interval, 'next_probe_at', next_at)
    redis.call('HDEL', KEYS[1], 'probe', 'probe_until')
  end
  answer = {'down', 1, math.max(1, next_at - now)}
else
  local open_ms = tonumber(ARGV[7])
  local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
  local previous = redis.call('HGET', KEYS[1], 'last_failed')
  redis.call('HSET', KEYS[1], 'last_failed', ARGV[9])
  if op == 'down' or failures >= tonumber(ARGV[6]) then
    redis.call('HSET', KEYS[1], 'state', 'down', 'down_since', now, 'next_probe_at', now + open_ms, 'interval',
      open_ms, 'failures', 0)
    redis.call('HDEL', KEYS[1], 'probe', 'probe_until')
    redis.call('HINCRBY', KEYS[2], 'circuit_open', 1)
    answer = {'down', 1, open_ms}
  else
    answer = {'up', (failures >= 2 and previous ~= ARGV[9]) and 1 or 0, 0}
  end
end
return remember(ARGV[1], ARGV[2], answer, ARGV[3])
