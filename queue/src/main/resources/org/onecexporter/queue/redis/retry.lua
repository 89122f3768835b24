-- retry later: KEYS active, delayed, stats; ARGV prefix, order_id, token, delay_ms, error, http_status,
-- invoice_number, refund ('1': the attempt does not count, e.g. 1C was down for everyone), infra ('1': the failure
-- was on our side, PostgreSQL or Redis: counted in the record's infra_failures, which claim returns, so the worker
-- follows INFRA_RETRY_DELAYS and dead-letters the job as 'infrastructure' when they run out)
local job = job_key(ARGV[1], ARGV[2])
if redis.call('HGET', job, 'token') ~= ARGV[3] then
  return 0
end
local due = now_ms() + tonumber(ARGV[4])
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], due, ARGV[2])
redis.call('HSETNX', job, 'first_error', ARGV[5])
redis.call('HSET', job, 'state', STATE_DELAYED, 'due_at', due, 'last_error', ARGV[5], 'last_http_status', ARGV[6])
if ARGV[7] ~= '' then
  redis.call('HSET', job, 'invoice_number', ARGV[7])
end
redis.call('HDEL', job, 'token')
if ARGV[8] == '1' then
  redis.call('HINCRBY', job, 'attempts', -1)
end
if ARGV[9] == '1' then
  redis.call('HINCRBY', job, 'infra_failures', 1)
end
redis.call('HINCRBY', KEYS[3], 'retried', 1)
return 1
