-- dead-letter: KEYS active, dlq, stats; ARGV prefix, order_id, token, reason, error, http_status, invoice_number
local job = job_key(ARGV[1], ARGV[2])
if redis.call('HGET', job, 'token') ~= ARGV[3] then
  return 0
end
redis.call('ZREM', KEYS[1], ARGV[2])
dead_letter(ARGV[1], KEYS[2], KEYS[3], ARGV[2], ARGV[4], ARGV[5], ARGV[6], ARGV[7], now_ms())
return 1
