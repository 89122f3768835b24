--- @include "includes/job_key"
-- A dead job's DLQ entry, as one JSON line, from its record.
local function dlq_entry(prefix, id)
  local h = redis.call('HMGET', job_key(prefix, id), 'invoice_number', 'attempts', 'first_error', 'enqueued_at',
    'stalls', 'infra_failures', 'reason', 'last_error', 'last_http_status', 'dead_at')
  return cjson.encode({
    order_id = id, invoice_number = h[1] or cjson.null, attempts = tonumber(h[2] or '0'), reason = h[7] or 'unknown',
    first_error = h[3] or h[8] or '', last_error = h[8] or '', last_http_status = tonumber(h[9] or '0') or 0,
    enqueued_at = tonumber(h[4] or '0'), dead_at = tonumber(h[10] or '0'), stalls = tonumber(h[5] or '0'),
    infra_failures = tonumber(h[6] or '0')})
end
