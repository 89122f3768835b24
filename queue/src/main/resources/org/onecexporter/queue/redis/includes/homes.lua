--- @include "includes/states"
--- @include "includes/job_key"
--- @include "includes/wake"
--- @include "includes/dlq_reasons"
--- @include "includes/indexes"
--- @include "includes/dead_set"
-- Where job records must live (the reconciler's check): a record's state names the structure that holds its id.
-- Membership of the ready list comes from the record's stamp (includes/indexes), never from reading the list, and
-- of the DLQ from its sorted set (ZSCORE), or while the old DLQ list still holds entries, from the stamp an older
-- version gave the record: a check costs the same for ten entries and for a million.
local function homes(prefix, ready, delayed, active, dlq)
  return {prefix = prefix, ready_key = ready, delayed_key = delayed, active_key = active, dlq_key = dlq}
end

-- A record whose structure entry vanished (a list deleted by hand, an eviction, a script aborted half-way) blocks
-- its order for ever: enqueue answers "exists", requeue finds nothing. Puts it back: a dead one into the DLQ (at
-- its dead_at), a ready one at the front of the line, a delayed or active one into its set
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
    if redis.call('ZSCORE', h.dlq_key, id)
        or at_home(prefix, INDEX_DLQ, legacy_dlq_key(prefix), redis.call('HGET', job, INDEX_DLQ .. '_epoch')) then
      return nil
    end
    local r = redis.call('HMGET', job, 'dead_at', 'reason')
    redis.call('ZADD', h.dlq_key, dead_score_ms(r[1]), id)
    dlq_count(prefix, r[2] or 'unknown', 1)
    dlq_shifted(prefix)
  else
    return nil
  end
  redis.call('HINCRBY', stats, 'rehomed', 1)
  return state
end
