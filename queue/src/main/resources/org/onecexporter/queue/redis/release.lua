-- release: hands a job back on shutdown, to the front of the line; the unfinished attempt is not counted.
-- KEYS: 1 active, 2 ready, 3 wake
-- ARGV: 1 prefix, 2 call, 3 window_ms, 4 order_id, 5 token
-- Answers: 'done' | a lease_refusal code ('no_job', 'lease_lost')
-- Replay: the answer is kept under P:reply:<call> for window_ms.
--- @include "includes/states"
--- @include "includes/wake"
--- @include "includes/job_key"
--- @include "includes/give_back"
--- @include "includes/lease"
--- @include "includes/replay"
--- @include "includes/indexes"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local job = job_key(ARGV[1], ARGV[4])
local refusal = lease_refusal(job, ARGV[5])
if refusal then
  return refusal
end
redis.call('ZREM', KEYS[1], ARGV[4])
give_back_attempt(job)
redis.call('HSET', job, 'state', STATE_READY)
redis.call('HDEL', job, 'token')
push_home(ARGV[1], INDEX_READY, KEYS[2], 'RPUSH', ARGV[4], ARGV[4])
wake(KEYS[3])
return remember(ARGV[1], ARGV[2], 'done', ARGV[3])
