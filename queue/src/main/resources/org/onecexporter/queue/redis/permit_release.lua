-- KEYS permits, permits_wake; ARGV permit_id
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
if removed > 0 then
  wake(KEYS[2])
end
return removed
