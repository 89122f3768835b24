-- The DLQ's size: the sorted set's members, the old list's entries (a DLQ from before the set, until reindex.lua
-- has moved it) and the unreadable entries. O(1).
local function dlq_size(dlq, legacy_dlq, unreadable)
  return redis.call('ZCARD', dlq) + redis.call('LLEN', legacy_dlq) + redis.call('LLEN', unreadable)
end
