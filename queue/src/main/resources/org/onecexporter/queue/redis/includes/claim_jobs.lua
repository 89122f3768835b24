--- @include "includes/states"
--- @include "includes/job_key"
--- @include "includes/wake"
--- @include "includes/onec_probe_wait"
--- @include "includes/indexes"
--- @include "includes/outage_waits"
-- Leases up to max of the oldest ready jobs (after promoting due retries) to token .. ':1', ':2', … (each job's
-- lease token is numbered here only and answered, so the caller uses it as given) and counts the attempt. Answers
-- the flat list {id, job_token, attempts, invoice_number, enqueued_at, probe ('1'/'0'), infra_failures,
-- traceparent, …} (ClaimedJob.WIRE_FIELDS values per job; infra_failures: failures on our side so far, see
-- retry.lua; traceparent: the W3C trace context the enqueuer recorded, '' when none). While 1C is down for the fleet
-- and no probe is due: an empty list and the ms until one is. Wakes another idle worker when jobs are left.
-- outage_waits: see includes/outage_waits.
local function claim_jobs(ready, delayed, active, wake_key, prefix, token, lease_ms, worker, max, now, health,
    outage_waits)
  -- While the fleet knows 1C is down, only one job at a time is leased, as the probe, when the probe is due.
  local probe = false
  local wait = onec_probe_wait(health, now)
  if wait then
    if wait > 0 then
      return {}, wait
    end
    max = 1
    probe = true
  elseif outage_waits then
    promote_outage_waits(prefix, outage_waits, delayed, now)
  end
  local due = redis.call('ZRANGEBYSCORE', delayed, '-inf', now, 'LIMIT', 0, 100)
  for _, id in ipairs(due) do
    redis.call('ZREM', delayed, id)
    push_home(prefix, INDEX_READY, ready, 'RPUSH', id, id)
    redis.call('HSET', job_key(prefix, id), 'state', STATE_READY)
  end
  local claimed = {}
  local n = 0
  while n < max do
    local id = redis.call('RPOP', ready)
    if not id then
      break
    end
    local job = job_key(prefix, id)
    local state = redis.call('HGET', job, 'state')
    if not state or state == STATE_READY then
      if not state then
        -- pushed by hand (redis-cli LPUSH): give it a record so it is tracked like any other job
        redis.call('HSET', job, 'attempts', 0, 'stalls', 0, 'enqueued_at', now, 'source', 'unknown')
      end
      local attempts = redis.call('HINCRBY', job, 'attempts', 1)
      if attempts < 1 then -- an earlier version gave an attempt back twice: attempts are counted from 1
        attempts = 1
        redis.call('HSET', job, 'attempts', 1)
      end
      local deadline = now + tonumber(lease_ms)
      n = n + 1
      local job_token = token .. ':' .. n
      redis.call('ZADD', active, deadline, id)
      redis.call('HSET', job, 'state', STATE_ACTIVE, 'token', job_token, 'worker', worker, 'claimed_at', now,
        'lease_until', deadline)
      local h = redis.call('HMGET', job, 'invoice_number', 'enqueued_at', 'infra_failures', 'traceparent')
      claimed[#claimed + 1] = id
      claimed[#claimed + 1] = job_token
      claimed[#claimed + 1] = tostring(attempts)
      claimed[#claimed + 1] = h[1] or ''
      claimed[#claimed + 1] = h[2] or ''
      if probe then
        redis.call('HSET', health, 'probe', job_token, 'probe_until', deadline)
        claimed[#claimed + 1] = '1'
      else
        claimed[#claimed + 1] = '0'
      end
      claimed[#claimed + 1] = h[3] or '0'
      claimed[#claimed + 1] = h[4] or ''
    end
    -- otherwise a second entry for a job that is active, delayed or dead: drop the duplicate
  end
  if #claimed > 0 and redis.call('LLEN', ready) > 0 then
    wake(wake_key)
  end
  return claimed
end
