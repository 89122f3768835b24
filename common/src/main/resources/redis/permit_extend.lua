-- KEYS permits; ARGV permit_id, lease_ms
return redis.call('ZADD', KEYS[1], 'XX', 'CH', now_ms() + tonumber(ARGV[2]), ARGV[1])
