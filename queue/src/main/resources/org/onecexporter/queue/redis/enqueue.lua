-- enqueue: queues one export unless the order already has a job (one job per order: a ready, delayed, active or
-- dead job is left as it is).
-- KEYS: 1 ready, 2 wake, 3 stats
-- ARGV: 1 prefix, 2 order_id, 3 source, 4 traceparent ('' when none), 5 call (the call's id)
-- Answers: {'queued', 'ready'} | {'exists', <state of the job the order has>}
-- Replay: the record keeps the id of the call that made it: a resent call answers 'queued' again.
--- @include "includes/states"
--- @include "includes/now_ms"
--- @include "includes/wake"
--- @include "includes/job_key"
--- @include "includes/new_job"
local job = job_key(ARGV[1], ARGV[2])
local r = redis.call('HMGET', job, 'state', 'enqueue_call')
if r[1] then
  if r[2] == ARGV[5] then
    return {'queued', STATE_READY}
  end
  return {'exists', r[1]}
end
new_job(KEYS[1], ARGV[1], ARGV[2], ARGV[3], now_ms(), ARGV[4], ARGV[5])
wake(KEYS[2])
redis.call('HINCRBY', KEYS[3], 'enqueued', 1)
return {'queued', STATE_READY}
