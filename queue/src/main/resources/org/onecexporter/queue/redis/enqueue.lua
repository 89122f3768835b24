-- enqueue: KEYS ready, wake, stats; ARGV prefix, order_id, source, traceparent ('' when none)
-- One job per order id: an order with a ready, delayed, active or dead job is left as it is.
local job = job_key(ARGV[1], ARGV[2])
local state = redis.call('HGET', job, 'state')
if state then
  return {'exists', state}
end
local now = now_ms()
redis.call('HSET', job, 'order_id', ARGV[2], 'state', 'ready', 'attempts', 0, 'stalls', 0, 'enqueued_at', now,
  'source', ARGV[3])
if ARGV[4] ~= '' then
  redis.call('HSET', job, 'traceparent', ARGV[4])
end
redis.call('LPUSH', KEYS[1], ARGV[2])
wake(KEYS[2])
redis.call('HINCRBY', KEYS[3], 'enqueued', 1)
return {'queued', 'ready'}
