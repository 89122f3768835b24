-- reap: jobs whose lease ran out (worker killed or stuck) go back to the front of the line; the max_stalls-th
-- expiry in a row sends the job to the DLQ as 'stalled' (WORKER_MAX_STALLS=3: back twice, dead-lettered on the third;
-- an attempt that reaches 1C and settles in between, retry.lua, starts the count again). The stalled attempt is not counted against
-- the retry schedule.
-- KEYS: 1 active, 2 ready, 3 dlq, 4 stats, 5 wake
-- ARGV: 1 prefix, 2 call, 3 window_ms, 4 max_stalls, 5 batch (leases looked at per call)
-- Answers: {how many jobs moved, how many of them went back, their ids..., the ids of those dead-lettered...}
-- Replay: the answer is kept under P:reply:<call> for window_ms when a job moved.
--- @include "includes/states"
--- @include "includes/now_ms"
--- @include "includes/wake"
--- @include "includes/job_key"
--- @include "includes/give_back"
--- @include "includes/replay"
--- @include "includes/dead_letter"
--- @include "includes/indexes"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local now = now_ms()
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[5]))
local moved = 0
local back, dead = {}, {}
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[1], id)
  local job = job_key(ARGV[1], id)
  local stalls = redis.call('HINCRBY', job, 'stalls', 1)
  redis.call('HDEL', job, 'token')
  redis.call('HINCRBY', KEYS[4], 'stalled', 1)
  if stalls >= tonumber(ARGV[4]) then
    dead[#dead + 1] = id
    dead_letter(ARGV[1], KEYS[3], KEYS[4], id, 'stalled',
      'lease expired ' .. stalls .. ' times in a row: the worker was killed or stuck on this job', '0', '', now)
  else
    back[#back + 1] = id
    give_back_attempt(job)
    redis.call('HSET', job, 'state', STATE_READY)
    push_home(ARGV[1], INDEX_READY, KEYS[2], 'RPUSH', id, id)
    wake(KEYS[5])
  end
  moved = moved + 1
end
local answer = {moved, #back}
for _, id in ipairs(back) do
  answer[#answer + 1] = id
end
for _, id in ipairs(dead) do
  answer[#answer + 1] = id
end
if moved > 0 then
  remember(ARGV[1], ARGV[2], answer, ARGV[3])
end
return answer
