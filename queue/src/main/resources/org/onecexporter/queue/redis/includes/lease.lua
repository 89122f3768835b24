--- @include "includes/job_key"
-- Why a token-checked move may not touch the job: nil when token holds its lease, else a refusal code: 'no_job'
-- (no record: the job finished, or never existed) or 'lease_lost' (the lease ran out and the job was handed back or
-- taken over by another worker).
local function lease_refusal(job, token)
  local held = redis.call('HGET', job, 'token')
  if held == token then
    return nil
  end
  if held == false and redis.call('EXISTS', job) == 0 then
    return 'no_job'
  end
  return 'lease_lost'
end
