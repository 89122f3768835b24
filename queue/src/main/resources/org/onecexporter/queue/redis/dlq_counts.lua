-- dlq_counts: DLQ entries by reason, from P:dlq_reasons, and whether they can be trusted: they add up to the list's
-- length and no walk of reindex.lua is under way or owed (a DLQ written before the counts or the stamps were kept,
-- or a list or hash edited by hand). When they cannot, DeadLetters runs reindex.lua's bounded walk and asks again.
-- KEYS: 1 dlq, 2 dlq_reasons, 3 indexes
-- ARGV: (none)
-- Answers: {trusted (1/0), reason, count, ...}
-- Replay: idempotent (reads only).
local all = redis.call('HGETALL', KEYS[2])
local sum = 0
for i = 2, #all, 2 do
  sum = sum + tonumber(all[i])
end
local st = redis.call('HMGET', KEYS[3], 'dlq_ok', 'dlq_walk')
local trusted = (sum == redis.call('LLEN', KEYS[1]) and st[1] == '1' and not st[2]) and 1 or 0
local out = {trusted}
for _, v in ipairs(all) do
  out[#out + 1] = v
end
return out
