-- enqueue: KEYS ready, wake, stats; ARGV prefix, order_id, source, traceparent ('' when none)
-- One job per order id: an order with a ready, delayed, active or dead job is left as it is.
local job = job_key(ARGV[1], ARGV[2])
local state = redis.call('HGET', job, 'state')
if state then
  return {'exists', state}
end
new_job(KEYS[1], ARGV[1], ARGV[2], ARGV[3], now_ms(), ARGV[4])
wake(KEYS[2])
redis.call('HINCRBY', KEYS[3], 'enqueued', 1)
return {'queued', STATE_READY}
