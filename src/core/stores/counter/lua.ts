/**
 * The Redis side of the counter store: one script evaluates every check of a request atomically, in one
 * round trip, with the same arithmetic as ./algorithms (same doubles, same order of operations; the contract
 * suite holds the two to identical answers). The decision uses Redis TIME unless a test injects a clock, so
 * clock skew between gateway instances cannot refill a bucket.
 *
 * KEYS: one per check.  ARGV: now ('' = Redis TIME), mode (consume|peek|force), then 7 per check:
 * algorithm, limit, periodMs, burst, cost, maxDelayMs, calendar ('' or 'month').
 * Returns: allowed (0/1), delayMs, then 5 per check: allowed, remaining, resetMs, retryAfterMs, delayMs
 * (milliseconds rounded up). State is one string per key ("%.17g" numbers joined by spaces) with PX expiry.
 */
export const CONSUME_SCRIPT = `
local now
if ARGV[1] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
else
  now = tonumber(ARGV[1])
end
local mode = ARGV[2]
local floor, ceil, max, min = math.floor, math.ceil, math.max, math.min
local EPS = 1e-6

local function read(key)
  local v = redis.call('GET', key)
  if not v then return nil end
  local s = {}
  for n in string.gmatch(v, '%S+') do s[#s + 1] = tonumber(n) end
  return s
end

local function cells(span, t)
  return max(0, floor(span / t + 1e-9))
end

local function gcra(s, c)
  local t = c.period / c.limit
  local capacity = c.burst * t
  local debt = 0
  if s then debt = max(0, s[1] - max(0, now - s[2])) end
  local newDebt = debt + c.cost * t
  local ttl = ceil(newDebt)
  local nxt = {newDebt, now}
  local wait = newDebt - capacity
  if wait <= EPS then return {1, cells(capacity - newDebt, t), newDebt, 0, 0}, nxt, ttl end
  if wait <= c.maxDelay then return {1, 0, newDebt, 0, wait}, nxt, ttl end
  return {0, cells(capacity - debt, t), debt, wait - c.maxDelay, 0}, nxt, ttl
end

local function tokenBucket(s, c)
  local rate = c.limit / c.period
  local cap = c.burst
  local last = now
  local stored = cap
  if s then last = s[2]; stored = s[1] end
  local tokens = min(cap, stored + max(0, now - last) * rate)
  local left = tokens - c.cost
  local ttl = ceil((cap - left) / rate)
  local nxt = {left, max(now, last)}
  if left >= -EPS then return {1, max(0, floor(left)), (cap - left) / rate, 0, 0}, nxt, ttl end
  local wait = -left / rate
  if c.cost <= cap and wait <= c.maxDelay then return {1, 0, (cap - left) / rate, 0, wait}, nxt, ttl end
  local retry = wait - c.maxDelay
  if c.cost > cap then retry = c.period end
  return {0, max(0, floor(tokens)), (cap - tokens) / rate, retry, 0}, nxt, ttl
end

-- Days since 1970-01-01 <-> (year, month), after Howard Hinnant's civil calendar algorithms (UTC, proleptic
-- Gregorian), so monthly windows match Date.UTC in the TypeScript step.
local function civilFromDays(z)
  z = z + 719468
  local era = floor(z / 146097)
  local doe = z - era * 146097
  local yoe = floor((doe - floor(doe / 1460) + floor(doe / 36524) - floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100))
  local mp = floor((5 * doy + 2) / 153)
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return y, m
end

local function daysFromCivil(y, m)
  if m <= 2 then y = y - 1 end
  local era = floor(y / 400)
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = floor((153 * mp + 2) / 5)
  local doe = yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
end

local function fixedWindow(s, c)
  local w, reset
  if c.calendar == 'month' then
    local y, m = civilFromDays(floor(now / 86400000))
    w = (y - 1970) * 12 + (m - 1)
    local ny, nm = y, m + 1
    if nm == 13 then ny, nm = y + 1, 1 end
    reset = daysFromCivil(ny, nm) * 86400000 - now
  else
    w = floor(now / c.period)
    reset = (w + 1) * c.period - now
  end
  local count = 0
  if s and s[1] == w then count = s[2] end
  local nxt = {w, count + c.cost}
  local ttl = ceil(reset)
  if count + c.cost <= c.limit then return {1, c.limit - count - c.cost, reset, 0, 0}, nxt, ttl end
  local retry = reset
  if c.cost > c.limit then retry = reset + c.period end
  return {0, max(0, c.limit - count), reset, retry, 0}, nxt, ttl
end

local function slidingWindow(s, c)
  local p = c.period
  local w = floor(now / p)
  local elapsed = now - w * p
  local cur, prev = 0, 0
  if s then
    if s[1] == w then cur = s[2]; prev = s[3]
    elseif s[1] == w - 1 then prev = s[2] end
  end
  local weight = 1 - elapsed / p
  local used = prev * weight + cur
  local nxt = {w, cur + c.cost, prev}
  local ttl = ceil(2 * p - elapsed)
  local toEnd = p - elapsed
  if used + c.cost <= c.limit then return {1, max(0, floor(c.limit - used - c.cost)), toEnd, 0, 0}, nxt, ttl end
  local retry
  if c.cost > c.limit then
    retry = 2 * p - elapsed
  else
    if prev > 0 and cur + c.cost <= c.limit then
      local e = p * (1 - (c.limit - cur - c.cost) / prev)
      if e <= p then retry = max(0, e - elapsed) end
    end
    if retry == nil then
      local e2 = 0
      if cur > 0 then e2 = max(0, p * (1 - (c.limit - c.cost) / cur)) end
      retry = p - elapsed + e2
    end
  end
  return {0, max(0, floor(c.limit - used)), toEnd, retry, 0}, nxt, ttl
end

local algorithms = { gcra = gcra, ['token-bucket'] = tokenBucket, ['fixed-window'] = fixedWindow, ['sliding-window'] = slidingWindow }

local results, states, ttls = {}, {}, {}
local ok, delay = 1, 0
for i = 1, #KEYS do
  local a = 2 + (i - 1) * 7
  local c = { limit = tonumber(ARGV[a + 2]), period = tonumber(ARGV[a + 3]), burst = tonumber(ARGV[a + 4]),
              cost = tonumber(ARGV[a + 5]), maxDelay = tonumber(ARGV[a + 6]), calendar = ARGV[a + 7] }
  local fn = algorithms[ARGV[a + 1]]
  if not fn then return redis.error_reply('unknown algorithm ' .. tostring(ARGV[a + 1])) end
  local r, nxt, ttl = fn(read(KEYS[i]), c)
  results[i], states[i], ttls[i] = r, nxt, ttl
  if r[1] == 0 then ok = 0 elseif r[5] > delay then delay = r[5] end
end
if (ok == 1 and mode == 'consume') or mode == 'force' then
  for i = 1, #KEYS do
    local parts = {}
    for j, n in ipairs(states[i]) do parts[j] = string.format('%.17g', n) end
    redis.call('SET', KEYS[i], table.concat(parts, ' '), 'PX', max(1, ttls[i]))
  end
end
if ok == 0 then delay = 0 end
local out = {ok, ceil(delay)}
for i = 1, #KEYS do
  local r = results[i]
  out[#out + 1] = r[1]
  out[#out + 1] = r[2]
  out[#out + 1] = ceil(r[3])
  out[#out + 1] = ceil(r[4])
  out[#out + 1] = ceil(r[5])
end
return out
`;
