-- drop one order from the DLQ: KEYS dlq; ARGV prefix, order_id. Removes that order's entries and its dead job
-- record, nothing else (purge.lua empties the whole DLQ). Returns how many entries went.
local entries = redis.call('LRANGE', KEYS[1], 0, -1)
local dropped = 0
for _, entry in ipairs(entries) do
  local ok, decoded = pcall(cjson.decode, entry)
  if ok and type(decoded) == 'table' and decoded.order_id ~= nil and tostring(decoded.order_id) == ARGV[2] then
    redis.call('LREM', KEYS[1], 1, entry)
    dlq_count(ARGV[1], dlq_entry_reason(entry), -1)
    dropped = dropped + 1
  end
end
if dropped > 0 then
  local job = job_key(ARGV[1], ARGV[2])
  if redis.call('HGET', job, 'state') == STATE_DEAD then
    redis.call('DEL', job)
  end
end
return dropped
