-- One token per wake-up of an idle worker blocked on BLPOP; capped so a burst cannot grow the list.
local function wake(key)
  redis.call('LPUSH', key, '1')
  redis.call('LTRIM', key, 0, 63)
end
