-- 1C's health, one fact for the whole fleet (HASH P:onec_health): state ('up' when absent, or 'down'), failures
-- (consecutive transient failures across the fleet), last_failed (the order of the latest one) and
-- last_failed_attempts (its job's attempts then, to give that attempt back: onec_health.lua), and while
-- down: next_probe_at, interval (between probes), probe (the lease token of the one job allowed to call 1C) and probe_until.
-- How long until a probe may go while 1C is down; nil when 1C is up.
local function onec_probe_wait(health, now)
  if redis.call('HGET', health, 'state') ~= 'down' then
    return nil
  end
  local h = redis.call('HMGET', health, 'next_probe_at', 'probe_until')
  return math.max(0, math.max(tonumber(h[1] or '0'), tonumber(h[2] or '0')) - now)
end
