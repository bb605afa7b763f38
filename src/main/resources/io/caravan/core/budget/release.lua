-- Gives a permit back. ARGV: token, called (1 = the call reached the service: it is logged at this answer time),
-- then per budget its window micros. KEYS as for acquire.lua.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local token = ARGV[1]
local called = ARGV[2] == '1'
for i = 1, #KEYS / 2 do
  redis.call('ZREM', KEYS[2 * i], token)
  if called then
    local window = tonumber(ARGV[2 + i])
    redis.call('ZADD', KEYS[2 * i - 1], now, token)
    redis.call('PEXPIRE', KEYS[2 * i - 1], math.ceil(window / 1000) + 1000)
  end
end
return 1
