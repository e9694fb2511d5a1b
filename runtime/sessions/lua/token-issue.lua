-- Issues one temporary token under the live-token caps, in one step (runtime/sessions/tokens.ts).
-- KEYS[1] the token's key, KEYS[2] the expiry index of all tokens, KEYS[3] the issuer's expiry index
-- ARGV: now ms, expires-at ms, lifetime ms, grant JSON, index member, per-issuer cap, total cap,
--       how long the indexes outlive their newest token (ms)
-- Expired members are dropped from the front of each index: cost O(log n) per issue plus what
-- expired, never a scan of the live tokens.
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[6]) then return 'key' end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[7]) then return 'total' end
redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[5])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[8])
redis.call('PEXPIRE', KEYS[3], ARGV[8])
return 'ok'
