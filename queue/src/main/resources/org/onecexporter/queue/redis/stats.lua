-- stats: the queue's sizes, the oldest waiting job's enqueue time and the fleet-wide counters, read in one call so
-- that they are one instant's (the console, /metrics and `onec-exporter stats` ask often; before, ten round trips
-- read them at ten instants). Every read is O(1) or O(log N) (sizes, the ready list's tail, the delayed set's head)
-- but P:stats' HGETALL, bounded by the number of counters. An enqueued_at that is not a whole number of ms (a record
-- edited by hand) is passed over, as the record is.
-- KEYS: 1 ready, 2 delayed, 3 active, 4 dlq (the sorted set), 5 the old DLQ list, 6 the unreadable entries, 7 stats
-- ARGV: 1 prefix
-- Answers: {ready, delayed, active, dlq, now_ms, oldest_enqueued_at ('' when nothing waits), field, value, ...}
-- Replay: idempotent (reads only).
--- @include "includes/now_ms"
--- @include "includes/job_key"
--- @include "includes/dlq_size"
local oldest = nil
local function consider(id)
  if id then
    local v = redis.call('HGET', job_key(ARGV[1], id), 'enqueued_at')
    if v and string.match(v, '^%d+$') and string.len(v) <= 15 then
      local at = tonumber(v)
      if oldest == nil or at < oldest then
        oldest = at
      end
    end
  end
end
-- The ready list is pushed on the left and claimed from the right: its tail waited longest.
consider(redis.call('LINDEX', KEYS[1], -1) or nil)
consider(redis.call('ZRANGE', KEYS[2], 0, 0)[1])
local out = {redis.call('LLEN', KEYS[1]), redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3]),
  dlq_size(KEYS[4], KEYS[5], KEYS[6]), now_ms(),
  oldest and string.format('%d', oldest) or ''}
for _, v in ipairs(redis.call('HGETALL', KEYS[7])) do
  out[#out + 1] = v
end
return out
