-- Redisson resends a script whose answer did not come within its timeout, so a move may run twice while the
-- caller reads the second answer only. A move that is not idempotent by itself is given a call id (fresh per call)
-- and keeps its answer under P:reply:<call> for the client's retry window; a resent call answers the first run's
-- answer and changes nothing. A call without an id ('', a script run by hand) keeps nothing.
local function replayed(prefix, call)
  if call == '' then
    return nil
  end
  local prior = redis.call('GET', prefix .. ':reply:' .. call)
  if prior then
    return cjson.decode(prior)
  end
  return nil
end

-- Keeps answer for a resent call, and answers it.
local function remember(prefix, call, answer, window_ms)
  if call ~= '' then
    redis.call('SET', prefix .. ':reply:' .. call, cjson.encode(answer), 'PX', tonumber(window_ms))
  end
  return answer
end
