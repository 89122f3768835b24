--- @include "includes/states"
--- @include "includes/job_key"
--- @include "includes/wake"
--- @include "includes/dlq_entry"
--- @include "includes/dlq_reasons"
--- @include "includes/indexes"
-- Where job records must live (the reconciler's check): a record's state names the structure that holds its id.
-- Membership of the ready list and the DLQ comes from the record's stamp (includes/indexes), never from reading
-- the list: a check costs the same for a list of ten entries and of a million.
local function homes(prefix, ready, delayed, active, dlq)
  return {prefix = prefix, ready_key = ready, delayed_key = delayed, active_key = active, dlq_key = dlq}
end

-- A record whose structure entry vanished (a list deleted by hand, an eviction, a script aborted half-way) blocks
-- its order for ever: enqueue answers "exists", requeue finds nothing. Puts it back: a dead one into the DLQ list
-- (its entry rebuilt from the record), a ready one at the front of the line, a delayed or active one into its set
-- (due now or at its deadline: the claim or the reaper takes it from there). Returns the state re-homed, or nil.
local function rehome(prefix, id, state, h, wake_key, stats)
  local job = job_key(prefix, id)
  if state == STATE_READY then
    if at_home(prefix, INDEX_READY, h.ready_key, redis.call('HGET', job, INDEX_READY .. '_epoch')) then
      return nil
    end
    push_home(prefix, INDEX_READY, h.ready_key, 'RPUSH', id, id)
    wake(wake_key)
  elseif state == STATE_DELAYED then
    if redis.call('ZSCORE', h.delayed_key, id) then
      return nil
    end
    redis.call('ZADD', h.delayed_key, tonumber(redis.call('HGET', job, 'due_at') or '0') or 0, id)
  elseif state == STATE_ACTIVE then
    if redis.call('ZSCORE', h.active_key, id) then
      return nil
    end
    redis.call('ZADD', h.active_key, tonumber(redis.call('HGET', job, 'lease_until') or '0') or 0, id)
  elseif state == STATE_DEAD then
    if at_home(prefix, INDEX_DLQ, h.dlq_key, redis.call('HGET', job, INDEX_DLQ .. '_epoch')) then
      return nil
    end
    push_home(prefix, INDEX_DLQ, h.dlq_key, 'LPUSH', dlq_entry(prefix, id), id)
    dlq_count(prefix, redis.call('HGET', job, 'reason') or 'unknown', 1)
  else
    return nil
  end
  redis.call('HINCRBY', stats, 'rehomed', 1)
  return state
end
