-- Gives an attempt back (not counted: a stall, an abandonment, a hand-back, a refunded failure), never below 0. One
-- attempt can be given back by two moves: onec_health's streak refund while it is still in flight, then its reap,
-- abandonment or hand-back (the full chaos soak of 2026-12-07: attempts -1, the next claim answered attempt 0, the
-- worker's attempt threw without moving the job, and the job went to the DLQ as stalled).
local function give_back_attempt(job)
  if tonumber(redis.call('HGET', job, 'attempts') or '0') > 0 then
    redis.call('HINCRBY', job, 'attempts', -1)
  end
end
