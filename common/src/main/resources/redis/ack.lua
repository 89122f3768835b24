-- ack: KEYS active, stats, export_times; ARGV prefix, then per job: order_id, token, outcome, call_ms ('' when 1C
-- was not called). One call acks many jobs (workers batch acks that finish together). Returns 1/0 per job.
-- A job is done and forgotten; an export's timing ("<done_at> <enqueued_to_done_ms> <call_ms>") goes to a capped
-- list so `onec-exporter stats` can show fleet-wide percentiles over a recent window.
local results = {}
local now = nil
local timed = false
for i = 2, #ARGV, 4 do
  local id, token, outcome, call_ms = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local job = job_key(ARGV[1], id)
  if redis.call('HGET', job, 'token') ~= token then
    results[#results + 1] = 0
  else
    if outcome == 'exported' then
      now = now or now_ms()
      local enqueued = tonumber(redis.call('HGET', job, 'enqueued_at') or now) or now
      redis.call('LPUSH', KEYS[3], now .. ' ' .. (now - enqueued) .. ' ' .. call_ms)
      timed = true
    end
    redis.call('ZREM', KEYS[1], id)
    redis.call('DEL', job)
    redis.call('HINCRBY', KEYS[2], outcome, 1)
    results[#results + 1] = 1
  end
end
if timed then
  redis.call('LTRIM', KEYS[3], 0, 9999)
end
return results
