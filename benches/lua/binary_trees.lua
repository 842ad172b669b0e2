-- binary_trees: an allocation storm of short-lived small tables (after the Benchmarks Game
-- program). Checksum: the node counts of every tree, combined.
local MAX_DEPTH = 11

local function make(depth)
  if depth == 0 then return {} end
  depth = depth - 1
  return { make(depth), make(depth) }
end

local function check(tree)
  if tree[1] then return 1 + check(tree[1]) + check(tree[2]) end
  return 1
end

local sum = check(make(MAX_DEPTH + 1))
local long_lived = make(MAX_DEPTH)
for depth = 4, MAX_DEPTH, 2 do
  local iterations = 1 << (MAX_DEPTH - depth + 4)
  local count = 0
  for _ = 1, iterations do count = count + check(make(depth)) end
  sum = (sum * 31 + count) & 0x7fffffff
end
return string.format("binary_trees %d %d", sum, check(long_lived))
