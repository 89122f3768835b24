-- permit_release: gives a permit back and wakes one call waiting for a permit.
-- KEYS: 1 onec_permits, 2 onec_permits_wake
-- ARGV: 1 permit_id
-- Answers: 1 (given back) | 0 (it was not held: expired, or given back already)
-- Replay: idempotent (a second run finds nothing to give back and wakes nobody).
--- @include "includes/wake"
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
if removed > 0 then
  wake(KEYS[2])
end
return removed
