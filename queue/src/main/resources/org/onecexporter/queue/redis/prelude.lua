-- Shared by every queue script (prepended when loaded). Times come from Redis, never from a worker's clock.

-- A job record's states (its 'state' field), named once for every script. JobState.java is the table of states
-- and JobMoves.java the moves each script may make (JobMovesTest checks both against these scripts). A job
-- without a record is 'none' in that table: never queued, or finished (an ack deletes the record).
local STATE_READY, STATE_DELAYED, STATE_ACTIVE, STATE_DEAD = 'ready', 'delayed', 'active', 'dead'
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

-- A new job for an order without a record (the caller checked): the record, and the id pushed to the ready list.
-- Shared by enqueue.lua, enqueue_all.lua and reconcile.lua, so that every way in makes the same job.
local function new_job(ready, prefix, id, source, now, traceparent)
  local job = job_key(prefix, id)
  redis.call('HSET', job, 'order_id', id, 'state', STATE_READY, 'attempts', 0, 'stalls', 0, 'enqueued_at', now,
    'source', source)
  if traceparent ~= nil and traceparent ~= '' then
    redis.call('HSET', job, 'traceparent', traceparent)
  end
  redis.call('LPUSH', ready, id)
end

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

-- DLQ entries by reason (HASH P:dlq_reasons: reason -> count), kept by every script that adds or removes an entry,
-- so that nobody reads the whole DLQ to count it. dlq_counts.lua counts the list again when the counts do not add up
-- to its length (a DLQ written before the counts existed, or one edited by hand).
local function dlq_reasons_key(prefix)
  return prefix .. ':dlq_reasons'
end

-- The reason of a DLQ entry (a JSON line); 'unreadable' for garbage pushed by hand.
local function dlq_entry_reason(entry)
  local r = string.match(entry, '"reason":"([^"\\]*)"')
  if not r then
    local ok, decoded = pcall(cjson.decode, entry)
    if ok and type(decoded) == 'table' and type(decoded.reason) == 'string' then
      r = decoded.reason
    end
  end
  return r or 'unreadable'
end

-- One entry of reason added (delta 1) or removed (-1); a count never stays at zero or below.
local function dlq_count(prefix, reason, delta)
  local key = dlq_reasons_key(prefix)
  if redis.call('HINCRBY', key, reason, delta) <= 0 then
    redis.call('HDEL', key, reason)
  end
end

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
  redis.call('LPUSH', dlq, dlq_entry(prefix, id))
  dlq_count(prefix, reason, 1)
  redis.call('HINCRBY', stats, 'dead', 1)
  redis.call('HINCRBY', stats, 'dead_' .. reason, 1)
end

-- Where job records must live (the reconciler's check): a record's state names the structure that holds its id.
-- The ready list and the DLQ are read once per script call, when first needed.
local function homes(ready, delayed, active, dlq)
  return {ready_key = ready, delayed_key = delayed, active_key = active, dlq_key = dlq}
end

local function in_ready(h, id)
  if not h.ready then
    h.ready = {}
    for _, v in ipairs(redis.call('LRANGE', h.ready_key, 0, -1)) do
      h.ready[v] = true
    end
  end
  return h.ready[id] == true
end

-- The order id of a DLQ entry (a JSON line), or nil for garbage pushed by hand. Matched as text, decoded only when
-- the id needs JSON escapes or the entry is not as dlq_entry writes it.
local function dlq_entry_id(entry)
  local oid = string.match(entry, '"order_id":"([^"]*)"')
  if oid and string.find(oid, '\\', 1, true) then
    oid = nil -- an escaped character in the id: decode the entry instead
  end
  if not oid then
    local ok, decoded = pcall(cjson.decode, entry)
    if ok and type(decoded) == 'table' and decoded.order_id ~= nil then
      oid = tostring(decoded.order_id)
    end
  end
  return oid
end

local function in_dlq(h, id)
  if not h.dlq then
    h.dlq = {}
    for _, entry in ipairs(redis.call('LRANGE', h.dlq_key, 0, -1)) do
      local oid = dlq_entry_id(entry)
      if oid then
        h.dlq[oid] = true
      end
    end
  end
  return h.dlq[id] == true
end

-- A record whose structure entry vanished (a list deleted by hand, an eviction, a script aborted half-way) blocks
-- its order for ever: enqueue answers "exists", requeue finds nothing. Puts it back: a dead one into the DLQ list
-- (its entry rebuilt from the record), a ready one at the front of the line, a delayed or active one into its set
-- (due now or at its deadline: the claim or the reaper takes it from there). Returns the state re-homed, or nil.
local function rehome(prefix, id, state, h, wake_key, stats)
  if state == STATE_READY then
    if in_ready(h, id) then
      return nil
    end
    redis.call('RPUSH', h.ready_key, id)
    h.ready[id] = true
    wake(wake_key)
  elseif state == STATE_DELAYED then
    if redis.call('ZSCORE', h.delayed_key, id) then
      return nil
    end
    redis.call('ZADD', h.delayed_key, tonumber(redis.call('HGET', job_key(prefix, id), 'due_at') or '0') or 0, id)
  elseif state == STATE_ACTIVE then
    if redis.call('ZSCORE', h.active_key, id) then
      return nil
    end
    redis.call('ZADD', h.active_key, tonumber(redis.call('HGET', job_key(prefix, id), 'lease_until') or '0') or 0, id)
  elseif state == STATE_DEAD then
    if in_dlq(h, id) then
      return nil
    end
    redis.call('LPUSH', h.dlq_key, dlq_entry(prefix, id))
    dlq_count(prefix, redis.call('HGET', job_key(prefix, id), 'reason') or 'unknown', 1)
    h.dlq[id] = true
  else
    return nil
  end
  redis.call('HINCRBY', stats, 'rehomed', 1)
  return state
end


-- 1C's health, one fact for the whole fleet (HASH P:onec_health): state ('up' when absent, or 'down'), failures
-- (consecutive transient failures across the fleet), last_failed (the order of the latest one), and while down: next_probe_at, interval (between probes),
-- probe (the lease token of the one job allowed to call 1C) and probe_until.
-- How long until a probe may go while 1C is down; nil when 1C is up.
local function onec_probe_wait(health, now)
  if redis.call('HGET', health, 'state') ~= 'down' then
    return nil
  end
  local h = redis.call('HMGET', health, 'next_probe_at', 'probe_until')
  return math.max(0, math.max(tonumber(h[1] or '0'), tonumber(h[2] or '0')) - now)
end

-- 1C answered a call (any answer that is not a transient failure): the streak ends; when the fleet saw it down,
-- it is up again and idle workers are woken (the fleet-wide permit cap still limits the calls).
local function onec_answered(health, stats, wake_key)
  local h = redis.call('HMGET', health, 'state', 'failures')
  if h[1] == 'down' then
    redis.call('DEL', health)
    redis.call('HINCRBY', stats, 'circuit_closed', 1)
    for _ = 1, 16 do
      redis.call('LPUSH', wake_key, '1')
    end
    redis.call('LTRIM', wake_key, 0, 63)
  elseif h[2] and h[2] ~= '0' then
    redis.call('HSET', health, 'failures', 0)
    redis.call('HDEL', health, 'last_failed')
  end
end

-- A claim's answer is kept under its token (the request id: a fresh random one per call) for the lease. Redisson
-- resends a script whose answer did not come in time (retryAttempts); a resent claim must answer the jobs the
-- first run leased, not lease a second batch while the first waits a lease for nobody and gains a stall.
local function claim_replay(prefix, token)
  local prior = redis.call('GET', prefix .. ':claim:' .. token)
  if prior then
    return cjson.decode(prior)
  end
  return nil
end

local function claim_remember(prefix, token, answer, lease_ms)
  redis.call('SET', prefix .. ':claim:' .. token, cjson.encode(answer), 'PX', tonumber(lease_ms))
end

-- Leases up to max of the oldest ready jobs (after promoting due retries) to token .. ':1', ':2', … (the job's
-- lease token: numbered here only, and answered, so the caller uses it as given); counts the attempt. Returns the
-- flat list {id, job_token, attempts, invoice_number, enqueued_at, probe ('1'/'0'), infra_failures, traceparent, …}
-- (8 values per job, JobQueue.CLAIM_FIELDS; infra_failures: failures on our side so far, see retry.lua; traceparent: the W3C trace
-- context the enqueuer recorded, '' when none) (and, when 1C is down and no probe is due, an empty list and the ms
-- until one is); wakes another idle worker when jobs are left. Shared by claim.lua and ack_claim.lua.
local function claim_jobs(ready, delayed, active, wake_key, prefix, token, lease_ms, worker, max, now, health)
  -- While the fleet knows 1C is down, only one job at a time is leased, as the probe, when the probe is due.
  local probe = false
  local wait = onec_probe_wait(health, now)
  if wait then
    if wait > 0 then
      return {}, wait
    end
    max = 1
    probe = true
  end
  local due = redis.call('ZRANGEBYSCORE', delayed, '-inf', now, 'LIMIT', 0, 100)
  for _, id in ipairs(due) do
    redis.call('ZREM', delayed, id)
    redis.call('RPUSH', ready, id)
    redis.call('HSET', job_key(prefix, id), 'state', STATE_READY)
  end
  local claimed = {}
  local n = 0
  while n < max do
    local id = redis.call('RPOP', ready)
    if not id then
      break
    end
    local job = job_key(prefix, id)
    local state = redis.call('HGET', job, 'state')
    if not state or state == STATE_READY then
      if not state then
        -- pushed by hand (redis-cli LPUSH): give it a record so it is tracked like any other job
        redis.call('HSET', job, 'order_id', id, 'attempts', 0, 'stalls', 0, 'enqueued_at', now, 'source', 'unknown')
      end
      local attempts = redis.call('HINCRBY', job, 'attempts', 1)
      local deadline = now + tonumber(lease_ms)
      n = n + 1
      local job_token = token .. ':' .. n
      redis.call('ZADD', active, deadline, id)
      redis.call('HSET', job, 'state', STATE_ACTIVE, 'token', job_token, 'worker', worker, 'claimed_at', now,
        'lease_until', deadline)
      local h = redis.call('HMGET', job, 'invoice_number', 'enqueued_at', 'infra_failures', 'traceparent')
      claimed[#claimed + 1] = id
      claimed[#claimed + 1] = job_token
      claimed[#claimed + 1] = tostring(attempts)
      claimed[#claimed + 1] = h[1] or ''
      claimed[#claimed + 1] = h[2] or ''
      if probe then
        redis.call('HSET', health, 'probe', job_token, 'probe_until', deadline)
        claimed[#claimed + 1] = '1'
      else
        claimed[#claimed + 1] = '0'
      end
      claimed[#claimed + 1] = h[3] or '0'
      claimed[#claimed + 1] = h[4] or ''
    end
    -- otherwise a second entry for a job that is active, delayed or dead: drop the duplicate
  end
  if #claimed > 0 and redis.call('LLEN', ready) > 0 then
    wake(wake_key)
  end
  return claimed
end

-- Acks the jobs described by args[from], args[from + 1], … (order_id, token, outcome, call_ms per job): a job
-- whose token still holds is done and forgotten, counted, and an export's timing ("<done_at>
-- <enqueued_to_done_ms> <call_ms>") goes to a capped list for fleet-wide percentiles. Returns 1/0 per job.
local function ack_jobs(active, stats, times, prefix, args, from, health, wake_key)
  local results = {}
  local now = nil
  local timed = false
  local answered = false
  for i = from, #args, 4 do
    local id, token, outcome, call_ms = args[i], args[i + 1], args[i + 2], args[i + 3]
    local job = job_key(prefix, id)
    if redis.call('HGET', job, 'token') ~= token then
      results[#results + 1] = 0
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
      results[#results + 1] = 1
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
