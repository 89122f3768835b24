-- sweep job records: KEYS ready, delayed, active, dlq, wake, stats; ARGV prefix, cursor, count.
-- One SCAN step over P:job:* (the cursor goes on across calls and reconciler runs); every record found is checked
-- where it lives and re-homed when its structure entry vanished (rehome in prelude.lua), whether or not its order
-- is a paid one (a not_paid or malformed dead job's DLQ entry comes back too).
-- Returns {next cursor ('0': the sweep is complete), records seen, re-homed}.
local h = homes(KEYS[1], KEYS[2], KEYS[3], KEYS[4])
local pattern = string.gsub(ARGV[1], '([%[%]%*%?\\])', '\\%1') .. ':job:*'
local scan = redis.call('SCAN', ARGV[2], 'MATCH', pattern, 'COUNT', tonumber(ARGV[3]))
local skip = #ARGV[1] + 5
local rehomed = 0
for _, key in ipairs(scan[2]) do
  local id = string.sub(key, skip + 1)
  local state = redis.call('HGET', key, 'state')
  if state and rehome(ARGV[1], id, state, h, KEYS[5], KEYS[6]) then
    rehomed = rehomed + 1
  end
end
return {scan[1], #scan[2], rehomed}
