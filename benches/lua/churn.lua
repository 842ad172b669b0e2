-- churn: a long steady state. A pool of live objects of mixed sizes (small tables, strings,
-- arrays of 1 to 300 slots) where each step replaces a pseudo-random slot, so blocks of
-- every size are freed and reallocated in an interleaved order for a long time: what reveals
-- fragmentation drift (memory grown well beyond the live peak). Checksum: a rolling hash of the
-- objects seen.
local STEPS = 20000
local POOL = 2000

local seed = 12345
local function random(n)
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  return seed % n + 1
end

local function object(kind, size)
  if kind == 1 then
    return { size, size * 2, name = "o" .. size }
  elseif kind == 2 then
    return string.rep(string.char(65 + size % 26), size * 4)
  else
    local t = {}
    for i = 1, size do t[i] = i end
    return t
  end
end

local pool = {}
for i = 1, POOL do pool[i] = object(random(3), random(300)) end
local h = 0
for _ = 1, STEPS do
  local slot = random(POOL)
  local old = pool[slot]
  h = (h * 31 + (type(old) == "string" and #old or #old + 1)) & 0x7fffffff
  pool[slot] = object(random(3), random(300))
end
return string.format("churn %d", h)
