-- ack_claim: KEYS active, stats, export_times, ready, delayed, wake, onec_health; ARGV prefix, token, lease_ms, worker, max,
-- then per job: order_id, token, outcome, call_ms. Acks the jobs like ack.lua and, in the same call, leases up
-- to max new ones like claim.lua, so a worker's job slot goes from a finished job to the next without a second
-- round trip. Returns {n, n ack results (1/0), then id, job_token, attempts, invoice_number, enqueued_at, probe,
-- infra_failures, traceparent per claimed job}.
-- Safe to replay: the same token answers the same acks and jobs (claim_replay in prelude.lua).
local replayed = claim_replay(ARGV[1], ARGV[2])
if replayed then
  return replayed
end
local acked = ack_jobs(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV, 6, KEYS[7], KEYS[6])
local claimed = {}
local max = tonumber(ARGV[5])
if max > 0 then
  claimed = claim_jobs(KEYS[4], KEYS[5], KEYS[1], KEYS[6], ARGV[1], ARGV[2], ARGV[3], ARGV[4], max, now_ms(), KEYS[7])
end
local out = {#acked}
for _, r in ipairs(acked) do
  out[#out + 1] = r
end
for _, v in ipairs(claimed) do
  out[#out + 1] = v
end
local changed = #claimed > 0
for _, r in ipairs(acked) do
  changed = changed or r == 1
end
if changed then
  claim_remember(ARGV[1], ARGV[2], out, ARGV[3])
end
return out
