--- @include "includes/job_key"
--- @include "includes/now_ms"
--- @include "includes/lease"
--- @include "includes/onec_answered"
-- Acks the jobs described by args[from], args[from + 1], … (order_id, token, outcome, call_ms per job): a job
-- whose token still holds is done and forgotten, its outcome counted in P:stats, and an export's timing
-- ("<done_at> <enqueued_to_done_ms> <call_ms>") goes to a capped list for fleet-wide percentiles. A job whose call
-- to 1C was answered (call_ms set) tells the fleet 1C is up. Answers per job 'done' or a lease_refusal code.
local function ack_jobs(active, stats, times, prefix, args, from, health, wake_key)
  local results = {}
  local now = nil
  local timed = false
  local answered = false
  for i = from, #args, 4 do
    local id, token, outcome, call_ms = args[i], args[i + 1], args[i + 2], args[i + 3]
    local job = job_key(prefix, id)
    local refusal = lease_refusal(job, token)
    if refusal then
      results[#results + 1] = refusal
    else
      if outcome == 'exported' then
        now = now or now_ms()
        local enqueued = tonumber(redis.call('HGET', job, 'enqueued_at') or now) or now
        redis.call('LPUSH', times, now .. ' ' .. (now - enqueued) .. ' ' .. call_ms)
        timed = true
      end
      if call_ms ~= '' then
        answered = true
      end
      redis.call('ZREM', active, id)
      redis.call('DEL', job)
      redis.call('HINCRBY', stats, outcome, 1)
      results[#results + 1] = 'done'
    end
  end
  if timed then
    redis.call('LTRIM', times, 0, 9999)
  end
  if answered then
    onec_answered(health, stats, wake_key)
  end
  return results
end
