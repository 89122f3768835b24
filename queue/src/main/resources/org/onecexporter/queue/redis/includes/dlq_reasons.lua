-- DLQ entries by reason (HASH P:dlq_reasons: reason -> count), kept by every script that adds or removes an entry,
-- so that nobody reads the whole DLQ to count it. reindex.lua counts the list again, in bounded steps, when the
-- counts do not add up to its length (a DLQ written before the counts existed, or one edited by hand).
local function dlq_reasons_key(prefix)
  return prefix .. ':dlq_reasons'
end

-- The reason of a DLQ entry (a JSON line); 'unreadable' for garbage pushed by hand.
local function dlq_entry_reason(entry)
  local r = string.match(entry, '"reason":"([^"\\]*)"')
  if not r then
    local ok, decoded = pcall(cjson.decode, entry)
    if ok and type(decoded) == 'table' and type(decoded.reason) == 'string' then
      r = decoded.reason
    end
  end
  return r or 'unreadable'
end

-- One entry of reason added (delta 1) or removed (-1); a count never stays at zero or below.
local function dlq_count(prefix, reason, delta)
  local key = dlq_reasons_key(prefix)
  if redis.call('HINCRBY', key, reason, delta) <= 0 then
    redis.call('HDEL', key, reason)
  end
end
