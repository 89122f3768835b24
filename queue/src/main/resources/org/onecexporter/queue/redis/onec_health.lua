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
--   not counted); wait_ms until the next probe. The streak's first failure looked like its order's own when it was
--   reported; once a second order fails right after it, that first attempt is given back too (when the job's
--   attempts still count that attempt: last_failed_attempts), so an outage spends no attempt at all.
-- Replay: 'up' is idempotent; the other answers are kept under P:reply:<call> for window_ms.
--- @include "includes/now_ms"
--- @include "includes/wake"
--- @include "includes/replay"
--- @include "includes/onec_answered"
--- @include "includes/job_key"
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
  local last = redis.call('HMGET', KEYS[1], 'last_failed', 'last_failed_attempts')
  local previous = last[1]
  local attempts = ARGV[9] ~= '' and redis.call('HGET', job_key(ARGV[1], ARGV[9]), 'attempts') or false
  redis.call('HSET', KEYS[1], 'last_failed', ARGV[9], 'last_failed_attempts', attempts or '')
  if failures == 2 and previous and previous ~= '' and previous ~= ARGV[9] then
    -- The first failure of the streak was not the order's own: its attempt back, unless the job has been claimed
    -- again since (then the attempts counted are a later attempt's).
    local first = job_key(ARGV[1], previous)
    local now_counted = redis.call('HGET', first, 'attempts')
    if now_counted and now_counted == last[2] and tonumber(now_counted) > 0 then
      redis.call('HINCRBY', first, 'attempts', -1)
    end
  end
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
