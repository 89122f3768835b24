-- dlq_counts: DLQ entries by reason, from P:dlq_reasons. When the counts do not add up to the list's length (a DLQ
-- written before the counts were kept, or a list or hash edited by hand), the list is counted first, 1,000 entries
-- per LRANGE, and the counts replace what the hash held: a one-off pass, after which every script that adds or
-- removes an entry keeps them.
-- KEYS: 1 dlq
-- ARGV: 1 prefix
-- Answers: {reason, count, ...}
-- Replay: idempotent.
--- @include "includes/dlq_reasons"
local key = dlq_reasons_key(ARGV[1])
local all = redis.call('HGETALL', key)
local sum = 0
for i = 2, #all, 2 do
  sum = sum + tonumber(all[i])
end
local len = redis.call('LLEN', KEYS[1])
if sum ~= len then
  local counts = {}
  for from = 0, len - 1, 1000 do
    for _, entry in ipairs(redis.call('LRANGE', KEYS[1], from, from + 999)) do
      local reason = dlq_entry_reason(entry)
      counts[reason] = (counts[reason] or 0) + 1
    end
  end
  redis.call('DEL', key)
  all = {}
  for reason, n in pairs(counts) do
    redis.call('HSET', key, reason, n)
    all[#all + 1] = reason
    all[#all + 1] = n
  end
end
return all
