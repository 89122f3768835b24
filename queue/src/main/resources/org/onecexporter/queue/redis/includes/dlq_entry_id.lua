-- The order id of a DLQ entry (a JSON line), or nil for garbage pushed by hand. Matched as text, decoded only when
-- the id needs JSON escapes or the entry is not as dlq_entry writes it.
local function dlq_entry_id(entry)
  local oid = string.match(entry, '"order_id":"([^"]*)"')
  if oid and string.find(oid, '\\', 1, true) then
    oid = nil -- an escaped character in the id: decode the entry instead
  end
  if not oid then
    local ok, decoded = pcall(cjson.decode, entry)
    if ok and type(decoded) == 'table' and decoded.order_id ~= nil then
      oid = tostring(decoded.order_id)
    end
  end
  return oid
end
