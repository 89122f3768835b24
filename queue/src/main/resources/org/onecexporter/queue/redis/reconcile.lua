-- reconcile: the reconciler's batch of paid, unexported orders. An order without a job record gets one (as
-- enqueue.lua does); one with a record is checked where it lives and re-homed when its structure entry vanished
-- (rehome in includes/homes). One call per batch, not one round trip per order.
-- KEYS: 1 ready, 2 delayed, 3 active, 4 dlq, 5 wake, 6 stats
-- ARGV: 1 prefix, 2 call, 3 window_ms, 4 source, then order ids
-- Answers: per order 'queued', 'rehomed:<state>', '<state>', or 'dead:<reason>'
-- Replay: the answer is kept under P:reply:<call> for window_ms.
--- @include "includes/states"
--- @include "includes/now_ms"
--- @include "includes/wake"
--- @include "includes/job_key"
--- @include "includes/replay"
--- @include "includes/new_job"
--- @include "includes/homes"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local h = homes(ARGV[1], KEYS[1], KEYS[2], KEYS[3], KEYS[4])
local now = now_ms()
local out = {}
local queued = 0
for i = 5, #ARGV do
  local id = ARGV[i]
  local job = job_key(ARGV[1], id)
  local r = redis.call('HMGET', job, 'state', 'reason')
  if not r[1] then
    new_job(KEYS[1], ARGV[1], id, ARGV[4], now, '', ARGV[2])
    queued = queued + 1
    out[#out + 1] = 'queued'
  else
    local moved = rehome(ARGV[1], id, r[1], h, KEYS[5], KEYS[6])
    if moved then
      out[#out + 1] = 'rehomed:' .. moved
    elseif r[1] == STATE_DEAD then
      out[#out + 1] = 'dead:' .. (r[2] or '')
    else
      out[#out + 1] = r[1]
    end
  end
end
if queued > 0 then
  wake(KEYS[5])
  redis.call('HINCRBY', KEYS[6], 'enqueued', queued)
end
return remember(ARGV[1], ARGV[2], out, ARGV[3])
