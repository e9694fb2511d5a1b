-- Admit a session if the cluster has room. Atomic, so N gateways racing for the last slot
-- cannot all win. Sessions whose heartbeat expired do not count (the reaper bills them).
-- KEYS[1] live zset (member id, score heartbeat deadline)  KEYS[2] session hash
-- KEYS[3] the gateway's session set  KEYS[4] gateways zset (gateway id, heartbeat deadline)
-- ARGV[1] now  ARGV[2] deadline  ARGV[3] limit  ARGV[4] id  ARGV[5..] hash field/value pairs
if redis.call('EXISTS', KEYS[2]) == 1 then return 1 end
local alive = redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], '+inf')
if alive >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('HSET', KEYS[2], unpack(ARGV, 5))
redis.call('SADD', KEYS[3], ARGV[4])
-- ARGV[6] is the gateway id: the first field pair is always 'gw', <id>.
redis.call('ZADD', KEYS[4], 'GT', ARGV[2], ARGV[6])
return 1
