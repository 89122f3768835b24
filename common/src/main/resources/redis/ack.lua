-- ack: KEYS active, stats, export_times; ARGV prefix, order_id, token, outcome, call_ms ('' when 1C was not called)
-- The job is done and forgotten. An export's timing ("<done_at> <enqueued_to_done_ms> <call_ms>") goes to a
-- capped list so `onec-exporter stats` can show fleet-wide percentiles over a recent window.
local job = job_key(ARGV[1], ARGV[2])
if redis.call('HGET', job, 'token') ~= ARGV[3] then
  return 0
end
if ARGV[4] == 'exported' then
  local now = now_ms()
  local enqueued = tonumber(redis.call('HGET', job, 'enqueued_at') or now) or now
  redis.call('LPUSH', KEYS[3], now .. ' ' .. (now - enqueued) .. ' ' .. ARGV[5])
  redis.call('LTRIM', KEYS[3], 0, 9999)
end
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('DEL', job)
redis.call('HINCRBY', KEYS[2], ARGV[4], 1)
return 1
