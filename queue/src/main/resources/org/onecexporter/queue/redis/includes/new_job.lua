--- @include "includes/states"
--- @include "includes/job_key"
--- @include "includes/indexes"
-- A new job for an order without a record (the caller checked): the record, and the id pushed to the ready list.
-- Every way in (enqueue, enqueue_all, reconcile) makes the same job. enqueue_call: the id of the call that made it,
-- so that a resent call answers 'queued' again instead of "exists".
local function new_job(ready, prefix, id, source, now, traceparent, enqueue_call)
  push_home(prefix, INDEX_READY, ready, 'LPUSH', id, id)
  local job = job_key(prefix, id)
  redis.call('HSET', job, 'state', STATE_READY, 'attempts', 0, 'stalls', 0, 'enqueued_at', now,
    'source', source, 'enqueue_call', enqueue_call)
  if traceparent ~= nil and traceparent ~= '' then
    redis.call('HSET', job, 'traceparent', traceparent)
  end
end
