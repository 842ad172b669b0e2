-- deep_recursion: a recursion 200,000 calls deep, unwound, then a full collection. Lua
-- allocates a CallInfo per frame and grows the stack to about 800,000 slots; the collector
-- shrinks both, freeing every other CallInfo first (a buddy allocator that scans a free list
-- per free took minutes on this). Twice, so freed memory is reused.
-- Checksum: the depths reached.
local DEPTH = 200000

local function depth(n)
  if n == 0 then return 0 end
  return depth(n - 1) + 1
end

local total = 0
for _ = 1, 2 do
  total = total + depth(DEPTH)
  collectgarbage()
end
return "deep_recursion " .. total
