-- enqueue_all: enqueue.lua for many orders in one call (JobQueue.enqueueAll sends up to 1,000; concurrent single
-- enqueues that share a client go together this way, each with its caller's traceparent). An id twice in the
-- batch is queued once.
-- KEYS: 1 ready, 2 wake, 3 stats
-- ARGV: 1 prefix, 2 source, 3 call, then pairs: order_id, traceparent ('' when none)
-- Answers: per id 'queued' or the state of the job it already has
-- Replay: as enqueue.lua (the record keeps the call's id).
--- @include "includes/now_ms"
--- @include "includes/wake"
--- @include "includes/job_key"
--- @include "includes/new_job"
local now = now_ms()
local out = {}
local queued = 0
local seen = {}
for i = 4, #ARGV, 2 do
  local id = ARGV[i]
  local r = redis.call('HMGET', job_key(ARGV[1], id), 'state', 'enqueue_call')
  local first = not seen[id]
  seen[id] = true
  if not r[1] then
    new_job(KEYS[1], ARGV[1], id, ARGV[2], now, ARGV[i + 1] or '', ARGV[3])
    queued = queued + 1
    out[#out + 1] = 'queued'
  elseif first and r[2] == ARGV[3] then
    out[#out + 1] = 'queued'
  else
    out[#out + 1] = r[1]
  end
end
if queued > 0 then
  wake(KEYS[2])
  redis.call('HINCRBY', KEYS[3], 'enqueued', queued)
end
return out
