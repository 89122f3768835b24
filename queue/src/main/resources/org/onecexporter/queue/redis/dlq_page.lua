-- dlq_page: up to count DLQ entries (JSON, as dead_letter's record renders them), newest first, from position from
-- (0: the newest): the sorted set's (ZREVRANGE), then the old list's while a move from it is under way, then the
-- unreadable entries. Reads count records, whatever the DLQ's size.
-- KEYS: 1 dlq (the sorted set), 2 the old DLQ list, 3 the unreadable entries
-- ARGV: 1 prefix, 2 from, 3 count
-- Answers: {total entries, entry, ...}
-- Replay: idempotent (reads only).
--- @include "includes/dlq_entry"
local from = tonumber(ARGV[2])
local count = tonumber(ARGV[3])
local out = {0}
local total = 0
for k = 1, 3 do
  local len = k == 1 and redis.call('ZCARD', KEYS[1]) or redis.call('LLEN', KEYS[k])
  total = total + len
  local want = count - (#out - 1)
  if want > 0 and from < len then
    if k == 1 then
      for _, id in ipairs(redis.call('ZREVRANGE', KEYS[1], from, from + want - 1)) do
        out[#out + 1] = dlq_entry(ARGV[1], id)
      end
    else
      for _, entry in ipairs(redis.call('LRANGE', KEYS[k], from, from + want - 1)) do
        out[#out + 1] = entry
      end
    end
    from = 0
  else
    from = math.max(0, from - len)
  end
end
out[1] = total
return out
