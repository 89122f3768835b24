-- rehome: one SCAN step of the sweep over P:job:* (the cursor goes on across calls and reconciler runs); every
-- record found is checked where it lives and re-homed when its structure entry vanished (rehome in includes/homes),
-- whether or not its order is a paid one (a not_paid or malformed dead job's DLQ entry comes back too).
-- KEYS: 1 ready, 2 delayed, 3 active, 4 dlq, 5 wake, 6 stats
-- ARGV: 1 prefix, 2 call, 3 window_ms, 4 cursor ('0' to start), 5 count
-- Answers: {next cursor ('0': the sweep is complete), records seen, re-homed}
-- Replay: the answer is kept under P:reply:<call> for window_ms.
--- @include "includes/replay"
--- @include "includes/homes"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local h = homes(ARGV[1], KEYS[1], KEYS[2], KEYS[3], KEYS[4])
local pattern = string.gsub(ARGV[1], '([%[%]%*%?\\])', '\\%1') .. ':job:*'
local scan = redis.call('SCAN', ARGV[4], 'MATCH', pattern, 'COUNT', tonumber(ARGV[5]))
local skip = #ARGV[1] + 5
local rehomed = 0
for _, key in ipairs(scan[2]) do
  local id = string.sub(key, skip + 1)
  local state = redis.call('HGET', key, 'state')
  if state and rehome(ARGV[1], id, state, h, KEYS[5], KEYS[6]) then
    rehomed = rehomed + 1
  end
end
return remember(ARGV[1], ARGV[2], {scan[1], #scan[2], rehomed}, ARGV[3])
