-- claim: KEYS ready, delayed, active, wake; ARGV prefix, token, lease_ms, worker
-- Promotes due delayed jobs, takes the oldest ready one, leases it to the caller's random token and counts the
-- attempt. Returns {id, attempts, invoice_number, enqueued_at}, or {'', ms until the next delayed job or -1}.
local now = now_ms()
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('RPUSH', KEYS[1], id)
  redis.call('HSET', job_key(ARGV[1], id), 'state', 'ready')
end
while true do
  local id = redis.call('RPOP', KEYS[1])
  if not id then
    local nxt = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    if nxt[2] then
      return {'', tostring(math.max(0, tonumber(nxt[2]) - now))}
    end
    return {'', '-1'}
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
    redis.call('ZADD', KEYS[3], deadline, id)
    redis.call('HSET', job, 'state', 'active', 'token', ARGV[2], 'worker', ARGV[4], 'claimed_at', now,
      'lease_until', deadline)
    if redis.call('LLEN', KEYS[1]) > 0 then
      wake(KEYS[4])
    end
    return {id, tostring(attempts), redis.call('HGET', job, 'invoice_number') or '',
      redis.call('HGET', job, 'enqueued_at') or ''}
  end
  -- a second entry for a job that is active, delayed or dead: drop the duplicate
end
