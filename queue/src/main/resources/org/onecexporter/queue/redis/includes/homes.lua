--- @include "includes/states"
--- @include "includes/job_key"
--- @include "includes/wake"
--- @include "includes/dlq_entry"
--- @include "includes/dlq_entry_id"
--- @include "includes/dlq_reasons"
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
