-- requeue from the DLQ: KEYS dlq, ready, wake, stats; ARGV prefix, order_id or '*', [reason: only entries of it]
-- Attempts, stalls and failures on our side are reset. Returns how many jobs went back to the ready list.
-- From a shell: ops/requeue-dlq [order_id]
local entries = redis.call('LRANGE', KEYS[1], 0, -1)
local now = now_ms()
local requeued = 0
for _, entry in ipairs(entries) do
  local ok, decoded = pcall(cjson.decode, entry)
  local id = nil
  local reason = nil
  if ok and type(decoded) == 'table' and decoded.order_id ~= nil then
    id = tostring(decoded.order_id)
    reason = decoded.reason
  end
  if (ARGV[2] == '*' or id == ARGV[2]) and (ARGV[3] == nil or ARGV[3] == '' or reason == ARGV[3]) then
    redis.call('LREM', KEYS[1], 1, entry)
    if id then
      local job = job_key(ARGV[1], id)
      local state = redis.call('HGET', job, 'state')
      if not state or state == 'dead' then
        redis.call('HSET', job, 'order_id', id, 'state', 'ready', 'attempts', 0, 'stalls', 0, 'infra_failures', 0,
          'requeued_at', now)
        redis.call('HSETNX', job, 'enqueued_at', now)
        redis.call('HDEL', job, 'token', 'dead_at', 'reason')
        redis.call('LPUSH', KEYS[2], id)
        requeued = requeued + 1
      end
    end
  end
end
if requeued > 0 then
  wake(KEYS[3])
  redis.call('HINCRBY', KEYS[4], 'requeued', requeued)
end
return requeued
