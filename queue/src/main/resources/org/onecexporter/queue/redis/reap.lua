-- reap: KEYS active, ready, dlq, stats, wake; ARGV prefix, max_stalls, batch
-- Jobs whose lease ran out (worker killed or stuck) go back to the front of the line; the max_stalls-th expiry
-- sends the job to the DLQ (WORKER_MAX_STALLS=3: back twice, dead-lettered on the third). The stalled attempt is not counted against the retry schedule.
local now = now_ms()
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
local moved = 0
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[1], id)
  local job = job_key(ARGV[1], id)
  local stalls = redis.call('HINCRBY', job, 'stalls', 1)
  redis.call('HDEL', job, 'token')
  redis.call('HINCRBY', KEYS[4], 'stalled', 1)
  if stalls >= tonumber(ARGV[2]) then
    dead_letter(ARGV[1], KEYS[3], KEYS[4], id, 'stalled',
      'lease expired ' .. stalls .. ' times: the worker was killed or stuck on this job', '0', '', now)
  else
    redis.call('HINCRBY', job, 'attempts', -1)
    redis.call('HSET', job, 'state', STATE_READY)
    redis.call('RPUSH', KEYS[2], id)
    wake(KEYS[5])
  end
  moved = moved + 1
end
return moved
