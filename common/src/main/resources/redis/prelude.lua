-- Shared by every queue script (prepended when loaded). Times come from Redis, never from a worker's clock.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- One token per wake-up of an idle worker blocked on BLPOP; capped so a burst cannot grow it.
local function wake(key)
  redis.call('LPUSH', key, '1')
  redis.call('LTRIM', key, 0, 63)
end

local function job_key(prefix, id)
  return prefix .. ':job:' .. id
end

-- Moves a job to the DLQ with everything an operator needs, as one JSON line.
local function dead_letter(prefix, dlq, stats, id, reason, err, http_status, invoice, now)
  local job = job_key(prefix, id)
  redis.call('HSETNX', job, 'first_error', err)
  redis.call('HSET', job, 'order_id', id, 'state', 'dead', 'dead_at', now, 'reason', reason, 'last_error', err,
    'last_http_status', http_status)
  if invoice ~= nil and invoice ~= '' then
    redis.call('HSET', job, 'invoice_number', invoice)
  end
  redis.call('HDEL', job, 'token', 'due_at')
  local h = redis.call('HMGET', job, 'invoice_number', 'attempts', 'first_error', 'enqueued_at', 'stalls')
  local entry = cjson.encode({
    order_id = id, invoice_number = h[1] or cjson.null, attempts = tonumber(h[2] or '0'), reason = reason,
    first_error = h[3] or err, last_error = err, last_http_status = tonumber(http_status) or 0,
    enqueued_at = tonumber(h[4] or '0'), dead_at = now, stalls = tonumber(h[5] or '0')})
  redis.call('LPUSH', dlq, entry)
  redis.call('HINCRBY', stats, 'dead', 1)
  redis.call('HINCRBY', stats, 'dead_' .. reason, 1)
end

