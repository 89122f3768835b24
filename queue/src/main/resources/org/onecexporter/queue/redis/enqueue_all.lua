-- enqueue many: KEYS ready, wake, stats; ARGV prefix, source, then pairs of order id and traceparent ('' when none)
-- (JobQueue.enqueueAll sends up to 1,000 orders a call; concurrent single enqueues that share a client are sent
-- together this way too, each with its caller's traceparent). The same one-job-per-order rule as enqueue.lua, one
-- call for the batch instead of one round trip per order: an order with a ready, delayed, active or dead job is
-- left as it is (an id twice in the batch is queued once). Returns per id 'queued' or the state of the job it
-- already has.
local now = now_ms()
local out = {}
local queued = 0
for i = 3, #ARGV, 2 do
  local id = ARGV[i]
  local state = redis.call('HGET', job_key(ARGV[1], id), 'state')
  if state then
    out[#out + 1] = state
  else
    new_job(KEYS[1], ARGV[1], id, ARGV[2], now, ARGV[i + 1] or '')
    queued = queued + 1
    out[#out + 1] = 'queued'
  end
end
if queued > 0 then
  wake(KEYS[2])
  redis.call('HINCRBY', KEYS[3], 'enqueued', queued)
end
return out
