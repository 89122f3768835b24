-- The key of one order's job record (HASH).
local function job_key(prefix, id)
  return prefix .. ':job:' .. id
end
