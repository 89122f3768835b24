-- ack_claim: ack.lua and claim.lua in one call, so a worker's job slot goes from a finished job to the next without
-- a second round trip.
-- KEYS: 1 active, 2 stats, 3 export_times, 4 ready, 5 delayed, 6 wake, 7 onec_health, 8 outage_waits
-- ARGV: 1 prefix, 2 token (a fresh random id per call), 3 lease_ms, 4 worker, 5 max (0: ack only),
--   then per job: order_id, token, outcome, call_ms ('' when 1C was not called)
-- Answers: {n, n ack answers ('done' or a lease_refusal code), then the claimed jobs as claim.lua answers them}
-- Replay: the answer is kept under P:reply:<token> for the lease; a resent call answers the same acks and jobs.
--- @include "includes/now_ms"
--- @include "includes/replay"
--- @include "includes/ack_jobs"
--- @include "includes/claim_jobs"
local replay = replayed(ARGV[1], ARGV[2])
if replay then
  return replay
end
local acked = ack_jobs(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV, 6, KEYS[7], KEYS[6])
local claimed = {}
local max = tonumber(ARGV[5])
if max > 0 then
  claimed = claim_jobs(KEYS[4], KEYS[5], KEYS[1], KEYS[6], ARGV[1], ARGV[2], ARGV[3], ARGV[4], max, now_ms(), KEYS[7], KEYS[8])
end
local out = {#acked}
local changed = #claimed > 0
for _, r in ipairs(acked) do
  out[#out + 1] = r
  changed = changed or r == 'done'
end
for _, v in ipairs(claimed) do
  out[#out + 1] = v
end
if changed then
  remember(ARGV[1], ARGV[2], out, ARGV[3])
end
return out
