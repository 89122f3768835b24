-- abandon: KEYS active, delayed, dlq, stats; ARGV prefix, order_id, token, hold_ms, max_stalls, worker, error
-- A worker gave up an attempt that ran past JOB_TIMEOUT_SECONDS (its database or network froze). The job is
-- handed back at once, not when its lease runs out, but claimable only after hold_ms (in 'delayed'), so that a
-- claim of the abandoning worker already on the wire cannot take it back; the worker itself stops claiming while
-- its dependencies do not answer. The abandonment counts as a stall (attempt not counted, like reap.lua): the
-- max_stalls-th stall of a job sends it to the DLQ as 'infrastructure' (attempts given up on our side), so workers
-- abandoning the same job in turn end there, never in a loop. Returns 1 (delayed), 2 (dead-lettered), 0 (the
-- token is gone: the attempt finished or was taken over).
local job = job_key(ARGV[1], ARGV[2])
if redis.call('HGET', job, 'token') ~= ARGV[3] then
  return 0
end
local now = now_ms()
redis.call('ZREM', KEYS[1], ARGV[2])
local stalls = redis.call('HINCRBY', job, 'stalls', 1)
redis.call('HINCRBY', KEYS[4], 'abandoned', 1)
redis.call('HSET', job, 'abandoned_by', ARGV[6])
redis.call('HINCRBY', job, 'attempts', -1)
if stalls >= tonumber(ARGV[5]) then
  dead_letter(ARGV[1], KEYS[3], KEYS[4], ARGV[2], 'infrastructure',
    ARGV[7] .. '; given up ' .. stalls .. ' times (WORKER_MAX_STALLS)', '0', '', now)
  return 2
end
local due = now + tonumber(ARGV[4])
redis.call('ZADD', KEYS[2], due, ARGV[2])
redis.call('HSETNX', job, 'first_error', ARGV[7])
redis.call('HSET', job, 'state', STATE_DELAYED, 'due_at', due, 'last_error', ARGV[7])
redis.call('HDEL', job, 'token')
return 1
