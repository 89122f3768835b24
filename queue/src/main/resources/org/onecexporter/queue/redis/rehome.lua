-- rehome: one step of the sweep over P:job:* (the SCAN cursor goes on across calls and reconciler runs); every
-- record checked is checked where it lives and re-homed when its structure entry vanished (rehome in
-- includes/homes), whether or not its order is a paid one (a not_paid or malformed dead job's DLQ entry comes back
-- too). A step checks records until it has spent budget_us of Redis' time (a check is a few random reads, whose
-- cost is the memory's, not the structures': it grows with the keyspace on a host with slow memory), at least one
-- block of four; the ids a SCAN returned and the step did not reach are handed back, and the next step checks them
-- before it scans on. So a step holds every other client for about the budget, whatever the keyspace.
-- KEYS: 1 ready, 2 delayed, 3 active, 4 dlq, 5 wake, 6 stats
-- ARGV: 1 prefix, 2 call, 3 window_ms, 4 cursor ('0' to start), 5 count, 6 budget_us, 7.. ids left by the last step
-- Answers: {next cursor ('0' and no id left: the sweep is complete), records checked, re-homed, ids left...}
-- Replay: the answer is kept under P:reply:<call> for window_ms.
--- @include "includes/replay"
--- @include "includes/homes"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local t0 = redis.call('TIME')
local budget = tonumber(ARGV[6])
local h = homes(ARGV[1], KEYS[1], KEYS[2], KEYS[3], KEYS[4])
local cursor = ARGV[4]
local ids = {}
if #ARGV > 6 then
  for i = 7, #ARGV do
    ids[#ids + 1] = ARGV[i]
  end
else
  local pattern = string.gsub(ARGV[1], '([%[%]%*%?\\])', '\\%1') .. ':job:*'
  local scan = redis.call('SCAN', cursor, 'MATCH', pattern, 'COUNT', tonumber(ARGV[5]))
  cursor = scan[1]
  local skip = #ARGV[1] + 5
  for _, key in ipairs(scan[2]) do
    ids[#ids + 1] = string.sub(key, skip + 1)
  end
end
local answer = {cursor, 0, 0}
local checked, rehomed = 0, 0
for i, id in ipairs(ids) do
  if checked > 0 and checked % 4 == 0 then
    local t = redis.call('TIME')
    if (tonumber(t[1]) - tonumber(t0[1])) * 1000000 + tonumber(t[2]) - tonumber(t0[2]) >= budget then
      for k = i, #ids do
        answer[#answer + 1] = ids[k]
      end
      break
    end
  end
  local state = redis.call('HGET', job_key(ARGV[1], id), 'state')
  if state and rehome(ARGV[1], id, state, h, KEYS[5], KEYS[6]) then
    rehomed = rehomed + 1
  end
  checked = checked + 1
end
answer[2] = checked
answer[3] = rehomed
return remember(ARGV[1], ARGV[2], answer, ARGV[3])
