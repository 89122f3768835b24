--- @include "includes/states"
--- @include "includes/job_key"
-- The jobs that waited for 1C while the whole fleet knew it was down (ZSET outage_waits, written by retry.lua: a
-- failed probe waits out twice the probe interval, the streak that marked 1C down waits too). Once 1C is up, up to
-- 100 a call are made due now (only those still waiting in delayed), so the oldest orders go first instead of
-- behind the backlog that piled up meanwhile.
local function promote_outage_waits(prefix, outage_waits, delayed, now)
  local waited = redis.call('ZRANGE', outage_waits, 0, 99)
  if #waited == 0 then
    return
  end
  for _, id in ipairs(waited) do
    if redis.call('HGET', job_key(prefix, id), 'state') == STATE_DELAYED then
      redis.call('ZADD', delayed, 'XX', now, id)
    end
  end
  redis.call('ZREM', outage_waits, unpack(waited))
end
