-- dlq_counts: DLQ entries by reason, from P:dlq_reasons, and whether they can be trusted: they add up to the DLQ's
-- size, the old DLQ list is empty and no count of reindex.lua is under way or owed (a DLQ moved from the old list,
-- or a set or hash edited by hand). When they cannot, DeadLetters runs reindex.lua's bounded walk and asks again.
-- KEYS: 1 dlq (the sorted set), 2 dlq_reasons, 3 indexes, 4 the old DLQ list, 5 the unreadable entries
-- ARGV: (none)
-- Answers: {trusted (1/0), reason, count, ...}
-- Replay: idempotent (reads only).
local all = redis.call('HGETALL', KEYS[2])
local sum = 0
for i = 2, #all, 2 do
  sum = sum + tonumber(all[i])
end
local st = redis.call('HMGET', KEYS[3], 'dlq_ok', 'dlq_walk')
local trusted = (redis.call('LLEN', KEYS[4]) == 0
  and sum == redis.call('ZCARD', KEYS[1]) + redis.call('LLEN', KEYS[5])
  and st[1] == '1' and not st[2]) and 1 or 0
local out = {trusted}
for _, v in ipairs(all) do
  out[#out + 1] = v
end
return out
