-- claim: KEYS ready, delayed, active, wake; ARGV prefix, token, lease_ms, worker, max (default 1)
-- Promotes due delayed jobs, takes up to max of the oldest ready ones, leases each to the caller's random token
-- (suffixed ':1', ':2', … per job) and counts the attempt. Returns {id, attempts, invoice_number, enqueued_at}
-- per job, or {'', ms until the next delayed job or -1} when none is ready.
local now = now_ms()
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('RPUSH', KEYS[1], id)
  redis.call('HSET', job_key(ARGV[1], id), 'state', 'ready')
end
local max = tonumber(ARGV[5] or '1')
local claimed = {}
while #claimed < 4 * max do
  local id = redis.call('RPOP', KEYS[1])
  if not id then
    break
  end
  local job = job_key(ARGV[1], id)
  local state = redis.call('HGET', job, 'state')
  if not state or state == 'ready' then
    if not state then
      -- pushed by hand (redis-cli LPUSH): give it a record so it is tracked like any other job
      redis.call('HSET', job, 'order_id', id, 'attempts', 0, 'stalls', 0, 'enqueued_at', now, 'source', 'unknown')
    end
    local attempts = redis.call('HINCRBY', job, 'attempts', 1)
    local deadline = now + tonumber(ARGV[3])
    local token = ARGV[2] .. ':' .. (#claimed / 4 + 1)
    redis.call('ZADD', KEYS[3], deadline, id)
    redis.call('HSET', job, 'state', 'active', 'token', token, 'worker', ARGV[4], 'claimed_at', now,
      'lease_until', deadline)
    local h = redis.call('HMGET', job, 'invoice_number', 'enqueued_at')
    claimed[#claimed + 1] = id
    claimed[#claimed + 1] = tostring(attempts)
    claimed[#claimed + 1] = h[1] or ''
    claimed[#claimed + 1] = h[2] or ''
  end
  -- otherwise a second entry for a job that is active, delayed or dead: drop the duplicate
end
if #claimed == 0 then
  local nxt = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  if nxt[2] then
    return {'', tostring(math.max(0, tonumber(nxt[2]) - now))}
  end
  return {'', '-1'}
end
if redis.call('LLEN', KEYS[1]) > 0 then
  wake(KEYS[4])
end
return claimed
