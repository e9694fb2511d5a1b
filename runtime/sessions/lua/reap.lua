-- End sessions whose heartbeat expired (their gateway died): billed up to the last heartbeat,
-- with the audio seconds it reported. Atomic, so concurrent reapers bill each session once.
-- KEYS[1] live zset  KEYS[2] outbox hash  KEYS[3] gateways zset
-- ARGV[1] now  ARGV[2] max  ARGV[3] key prefix
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  local key = ARGV[3] .. 'session:' .. id
  local fields = redis.call('HGETALL', key)
  redis.call('ZREM', KEYS[1], id)
  if #fields > 0 then
    local s = {}
    for i = 1, #fields, 2 do s[fields[i]] = fields[i + 1] end
    s.id = id
    s.endedAt = s.hb
    s.reason = 'gateway_lost'
    local json = cjson.encode(s)
    redis.call('HSET', KEYS[2], id, json)
    redis.call('DEL', key)
    redis.call('SREM', ARGV[3] .. 'gateway:' .. s.gw .. ':sessions', id)
    table.insert(out, json)
  end
end
-- Forget gateways that stopped heartbeating long ago (their sessions are reaped above).
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', tonumber(ARGV[1]) - 3600000)
return out
