-- retry: a failed attempt waits in 'delayed' for the schedule's delay; first and last error kept.
-- KEYS: 1 active, 2 delayed, 3 stats, 4 onec_health, 5 outage_waits (a refunded retry while the fleet knows 1C
--   is down is noted there: the first claim after 1C answers again makes it due at once, claim_jobs)
-- ARGV: 1 prefix, 2 call, 3 window_ms, 4 order_id, 5 token, 6 delay_ms, 7 error, 8 http_status, 9 invoice_number,
--   10 refund ('1': the attempt does not count, e.g. 1C was down for everyone), 11 infra ('1': the failure was on
--   our side, PostgreSQL or Redis: counted in the record's infra_failures, which claim answers, so the worker
--   follows INFRA_RETRY_DELAYS and dead-letters the job as 'infrastructure' when they run out), 12 reached ('1': the
--   attempt got as far as its call to 1C and lived to settle, so the job does not take its worker down: its stall
--   count starts again, WORKER_MAX_STALLS counting expiries in a row; a wait decided before the call leaves it, or a
--   job that kills its worker whenever it gets a permit would go round for ever)
-- Answers: 'done' | a lease_refusal code ('no_job', 'lease_lost')
-- Replay: the answer is kept under P:reply:<call> for window_ms.
--- @include "includes/states"
--- @include "includes/now_ms"
--- @include "includes/job_key"
--- @include "includes/give_back"
--- @include "includes/lease"
--- @include "includes/replay"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local job = job_key(ARGV[1], ARGV[4])
local refusal = lease_refusal(job, ARGV[5])
if refusal then
  return refusal
end
local due = now_ms() + tonumber(ARGV[6])
redis.call('ZREM', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], due, ARGV[4])
redis.call('HSETNX', job, 'first_error', ARGV[7])
redis.call('HSET', job, 'state', STATE_DELAYED, 'due_at', due, 'last_error', ARGV[7], 'last_http_status', ARGV[8])
if ARGV[12] == '1' then
  redis.call('HSET', job, 'stalls', 0)
end
if ARGV[9] ~= '' then
  redis.call('HSET', job, 'invoice_number', ARGV[9])
end
redis.call('HDEL', job, 'token')
if ARGV[10] == '1' then
  give_back_attempt(job)
  if redis.call('HGET', KEYS[4], 'state') == 'down' then
    redis.call('ZADD', KEYS[5], due, ARGV[4])
  end
end
if ARGV[11] == '1' then
  redis.call('HINCRBY', job, 'infra_failures', 1)
end
redis.call('HINCRBY', KEYS[3], 'retried', 1)
return remember(ARGV[1], ARGV[2], 'done', ARGV[3])
