--- @include "includes/job_key"
-- Where a record's id lives in the ready list, known without reading the list (HASH P:indexes). A LIST cannot say
-- whether it holds an id short of reading it, so every script that pushes an id onto the ready list stamps the record
-- with the list's epoch (field ready_list_epoch); the epoch goes up whenever a push finds the list empty or gone. An
-- id leaves the ready list only by a claim (which makes the record active), so a ready record whose stamp is the
-- current epoch is in the list as long as the list is not empty; one with an older stamp is not (the list was
-- emptied, deleted or evicted since its push). The DLQ is a sorted set (includes/dead_set) and needs no stamp; the
-- old DLQ list (P:dlq) was stamped the same way (dlq_epoch) by older versions, which the reconciler trusts while
-- that list still holds entries. Fields of P:indexes: ready_list_epoch, dlq_epoch; ready_list_ok ('1' once
-- reindex.lua has stamped every record the ready list held before the stamps existed: until then an unstamped
-- record counts as at home, never re-homed twice); dlq_ok ('1' once reindex.lua has counted the DLQ by reason
-- since its last move from the old list); reindex.lua's count of the DLQ: dlq_walk (members counted from the oldest
-- on), dlq_walk_shifts, and dlq_shifts (bumped by every removal from the set but at its newest end, which moves the
-- members' ranks: the count starts again).
local INDEX_READY, INDEX_DLQ = 'ready_list', 'dlq'

local function indexes_key(prefix)
  return prefix .. ':indexes'
end

-- Pushes value (an id, or a DLQ entry) onto list with cmd ('LPUSH'/'RPUSH') and stamps id's record with the list's
-- epoch; which: INDEX_READY or INDEX_DLQ.
local function push_home(prefix, which, list, cmd, value, id)
  local key = indexes_key(prefix)
  local epoch
  if redis.call(cmd, list, value) == 1 then
    epoch = redis.call('HINCRBY', key, which .. '_epoch', 1)
  else
    epoch = redis.call('HGET', key, which .. '_epoch') or '0'
  end
  redis.call('HSET', job_key(prefix, id), which .. '_epoch', epoch)
end

-- Whether list holds the id of a record stamped stamp (its ready_list_epoch / dlq_epoch field, false when none).
local function at_home(prefix, which, list, stamp)
  if redis.call('LLEN', list) == 0 then
    return false
  end
  local key = indexes_key(prefix)
  if not stamp then
    return redis.call('HGET', key, which .. '_ok') ~= '1'
  end
  return stamp == (redis.call('HGET', key, which .. '_epoch') or '0')
end

-- An entry left the DLQ, or came in, other than at its newest end: a count of reindex.lua under way starts again.
local function dlq_shifted(prefix)
  redis.call('HINCRBY', indexes_key(prefix), 'dlq_shifts', 1)
end
