-- abandon: a worker gave up an attempt that ran past JOB_TIMEOUT_SECONDS (its database or network froze). The job
-- is handed back at once, not when its lease runs out, but claimable only after hold_ms (in 'delayed'), so that a
-- claim of the abandoning worker already on the wire cannot take it back; the worker itself stops claiming while
-- its dependencies do not answer. The abandonment counts as a stall (the attempt does not, as in reap.lua): the
-- max_stalls-th stall of a job sends it to the DLQ as 'infrastructure', so workers abandoning the same job in turn
-- end there, never in a loop.
-- KEYS: 1 active, 2 delayed, 3 dlq, 4 stats
-- ARGV: 1 prefix, 2 call, 3 window_ms, 4 order_id, 5 token, 6 hold_ms, 7 max_stalls, 8 worker, 9 error
-- Answers: 'held' (in 'delayed') | 'dead_lettered' | a lease_refusal code ('no_job', 'lease_lost')
-- Replay: the answer is kept under P:reply:<call> for window_ms.
--- @include "includes/states"
--- @include "includes/now_ms"
--- @include "includes/job_key"
--- @include "includes/give_back"
--- @include "includes/lease"
--- @include "includes/replay"
--- @include "includes/dead_letter"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local id = ARGV[4]
local job = job_key(ARGV[1], id)
local refusal = lease_refusal(job, ARGV[5])
if refusal then
  return refusal
end
local now = now_ms()
redis.call('ZREM', KEYS[1], id)
local stalls = redis.call('HINCRBY', job, 'stalls', 1)
redis.call('HINCRBY', KEYS[4], 'abandoned', 1)
redis.call('HSET', job, 'abandoned_by', ARGV[8])
give_back_attempt(job)
if stalls >= tonumber(ARGV[7]) then
  dead_letter(ARGV[1], KEYS[3], KEYS[4], id, 'infrastructure',
    ARGV[9] .. '; given up ' .. stalls .. ' times (WORKER_MAX_STALLS)', '0', '', now)
  return remember(ARGV[1], ARGV[2], 'dead_lettered', ARGV[3])
end
local due = now + tonumber(ARGV[6])
redis.call('ZADD', KEYS[2], due, id)
redis.call('HSETNX', job, 'first_error', ARGV[9])
redis.call('HSET', job, 'state', STATE_DELAYED, 'due_at', due, 'last_error', ARGV[9])
redis.call('HDEL', job, 'token')
return remember(ARGV[1], ARGV[2], 'held', ARGV[3])
