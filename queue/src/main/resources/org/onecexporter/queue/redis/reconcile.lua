-- reconcile a batch of paid, unexported orders: KEYS ready, delayed, active, dlq, wake, stats; ARGV prefix, source,
-- then order ids. An order without a job record gets one (as enqueue.lua does); one with a record is checked where it
-- lives and re-homed when its structure entry vanished (rehome in prelude.lua). One call per batch, not one round
-- trip per order. Returns per order: 'queued', 'rehomed:<state>', '<state>', or 'dead:<reason>'.
local h = homes(KEYS[1], KEYS[2], KEYS[3], KEYS[4])
local now = now_ms()
local out = {}
local queued = 0
for i = 3, #ARGV do
  local id = ARGV[i]
  local job = job_key(ARGV[1], id)
  local r = redis.call('HMGET', job, 'state', 'reason')
  if not r[1] then
    new_job(KEYS[1], ARGV[1], id, ARGV[2], now, '')
    if h.ready then
      h.ready[id] = true
    end
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
return out
