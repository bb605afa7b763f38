-- Takes one permit from every budget at once, or none. Budget i has KEYS[2i-1] (answered calls: a sorted set scored
-- by the answer time) and KEYS[2i] (calls in flight, scored by when their lease runs out, so a hub that died with
-- a call in flight frees it). Times are Redis's own clock, in microseconds, the same for every hub.
-- ARGV: token, lease micros (0 = the call is logged as made now, for a budget counted when calls are sent), then per
-- budget: count, window micros, exclusive (1 = at most one call in flight).
-- Returns {1, now, 0} granted (now: Redis's clock, micros, the moment logged); {0, wait micros, i} refused by budget i, wait -1 = until a call in flight is answered.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local token = ARGV[1]
local lease = tonumber(ARGV[2])
local budgets = #KEYS / 2
for i = 1, budgets do
  local answered, inflight = KEYS[2 * i - 1], KEYS[2 * i]
  local count = tonumber(ARGV[3 * i])
  local window = tonumber(ARGV[3 * i + 1])
  local exclusive = ARGV[3 * i + 2] == '1'
  redis.call('ZREMRANGEBYSCORE', inflight, '-inf', now)
  redis.call('ZREMRANGEBYSCORE', answered, '-inf', now - window)
  local flying = redis.call('ZCARD', inflight)
  if exclusive and flying > 0 then
    return {0, -1, i}
  end
  local done = redis.call('ZCARD', answered)
  local used = done + flying
  if used >= count then
    local mustExpire = used - count + 1
    if mustExpire > done then
      return {0, -1, i}
    end
    local oldest = redis.call('ZRANGE', answered, mustExpire - 1, mustExpire - 1, 'WITHSCORES')
    return {0, math.max(1, tonumber(oldest[2]) + window - now), i}
  end
end
for i = 1, budgets do
  local window = tonumber(ARGV[3 * i + 1])
  if lease == 0 then
    redis.call('ZADD', KEYS[2 * i - 1], now, token)
    redis.call('PEXPIRE', KEYS[2 * i - 1], math.ceil(window / 1000) + 1000)
  else
    redis.call('ZADD', KEYS[2 * i], now + lease, token)
    redis.call('PEXPIRE', KEYS[2 * i], math.ceil((lease + window) / 1000) + 1000)
  end
end
return {1, now, 0}
