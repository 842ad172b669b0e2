-- closures: closures capturing upvalues (counters, composed functions, memoisers) and
-- coroutines (generators, a producer/consumer pipeline, many short-lived coroutines).
-- Checksum: sums from each part.
local N = 20000

local function counter()
  local n = 0
  return function(k) n = n + k; return n end
end
local function compose(f, g) return function(x) return f(g(x)) end end

local acc = 0
for i = 1, N do
  local c = counter()
  local f = compose(c, function(x) return x * 2 end)
  acc = (acc + f(i) + f(1)) & 0x7fffffff
end

local function gen(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i) end
  end)
end
local function filter(pred, source)
  return coroutine.wrap(function()
    for v in source do if pred(v) then coroutine.yield(v) end end
  end)
end
local function map(f, source)
  return coroutine.wrap(function()
    for v in source do coroutine.yield(f(v)) end
  end)
end
local piped = 0
for v in map(function(x) return x * x end, filter(function(x) return x % 3 == 0 end, gen(N))) do
  piped = (piped + v) & 0x7fffffff
end

local spawned = 0
for i = 1, N do
  local co = coroutine.create(function(a, b)
    local c = coroutine.yield(a + b)
    return a * c + b
  end)
  local _, s = coroutine.resume(co, i, 1)
  local _, r = coroutine.resume(co, s)
  spawned = (spawned + r) & 0x7fffffff
end
return string.format("closures %d %d %d", acc, piped, spawned)
