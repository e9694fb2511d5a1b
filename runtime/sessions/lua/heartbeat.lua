-- Extend a gateway's live sessions and record their audio progress. Sessions already ended or
-- reaped are skipped: a late heartbeat must not resurrect them.
-- KEYS[1] live zset  KEYS[2] gateways zset
-- ARGV[1] deadline  ARGV[2] now  ARGV[3] key prefix  ARGV[4] gateway id  ARGV[5..] id, audio pairs
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[4])
for i = 5, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('ZSCORE', KEYS[1], id) then
    redis.call('ZADD', KEYS[1], 'XX', ARGV[1], id)
    redis.call('HSET', ARGV[3] .. 'session:' .. id, 'audio', ARGV[i + 1], 'hb', ARGV[2])
  end
end
return 1
