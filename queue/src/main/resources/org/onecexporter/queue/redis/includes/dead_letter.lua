--- @include "includes/states"
--- @include "includes/job_key"
--- @include "includes/dlq_reasons"
--- @include "includes/dead_set"
-- Moves a job to the DLQ (P:dead, scored by the time it died) with everything an operator needs in its record.
local function dead_letter(prefix, dlq, stats, id, reason, err, http_status, invoice, now)
  local job = job_key(prefix, id)
  redis.call('HSETNX', job, 'first_error', err)
  redis.call('HSET', job, 'state', STATE_DEAD, 'dead_at', now, 'reason', reason, 'last_error', err,
    'last_http_status', http_status)
  if invoice ~= nil and invoice ~= '' then
    redis.call('HSET', job, 'invoice_number', invoice)
  end
  redis.call('HDEL', job, 'token', 'due_at')
  if redis.call('ZADD', dlq, dead_score_now(), id) == 1 then
    dlq_count(prefix, reason, 1)
  end
  redis.call('HINCRBY', stats, 'dead', 1)
  redis.call('HINCRBY', stats, 'dead_' .. reason, 1)
end
