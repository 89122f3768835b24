--- @include "includes/states"
--- @include "includes/job_key"
--- @include "includes/dlq_entry"
--- @include "includes/dlq_reasons"
--- @include "includes/indexes"
-- Moves a job to the DLQ with everything an operator needs, as one JSON line.
local function dead_letter(prefix, dlq, stats, id, reason, err, http_status, invoice, now)
  local job = job_key(prefix, id)
  redis.call('HSETNX', job, 'first_error', err)
  redis.call('HSET', job, 'order_id', id, 'state', STATE_DEAD, 'dead_at', now, 'reason', reason, 'last_error', err,
    'last_http_status', http_status)
  if invoice ~= nil and invoice ~= '' then
    redis.call('HSET', job, 'invoice_number', invoice)
  end
  redis.call('HDEL', job, 'token', 'due_at')
  push_home(prefix, INDEX_DLQ, dlq, 'LPUSH', dlq_entry(prefix, id), id)
  dlq_count(prefix, reason, 1)
  redis.call('HINCRBY', stats, 'dead', 1)
  redis.call('HINCRBY', stats, 'dead_' .. reason, 1)
end
