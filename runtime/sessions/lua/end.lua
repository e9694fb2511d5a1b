-- End one session exactly once: remove it and park its usage in the outbox, in one step.
-- KEYS[1] live zset  KEYS[2] session hash  KEYS[3] outbox hash
-- ARGV[1] id  ARGV[2] ended at  ARGV[3] reason  ARGV[4] audio seconds ('' = last heartbeat's)
-- ARGV[5] key prefix
local fields = redis.call('HGETALL', KEYS[2])
if #fields == 0 then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return false
end
local s = {}
for i = 1, #fields, 2 do s[fields[i]] = fields[i + 1] end
s.id = ARGV[1]
s.endedAt = ARGV[2]
s.reason = ARGV[3]
if ARGV[4] ~= '' then s.audio = ARGV[4] end
local json = cjson.encode(s)
redis.call('HSET', KEYS[3], ARGV[1], json)
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('SREM', ARGV[5] .. 'gateway:' .. s.gw .. ':sessions', ARGV[1])
return json
