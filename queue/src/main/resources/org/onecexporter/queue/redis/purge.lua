-- purge the DLQ: KEYS dlq; ARGV prefix. Drops every entry and its job record. Returns how many.
local entries = redis.call('LRANGE', KEYS[1], 0, -1)
for _, entry in ipairs(entries) do
  local ok, decoded = pcall(cjson.decode, entry)
  if ok and type(decoded) == 'table' and decoded.order_id ~= nil then
    local job = job_key(ARGV[1], tostring(decoded.order_id))
    if redis.call('HGET', job, 'state') == STATE_DEAD then
      redis.call('DEL', job)
    end
  end
end
redis.call('DEL', KEYS[1])
redis.call('DEL', dlq_reasons_key(ARGV[1]))
return #entries
