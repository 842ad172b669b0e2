-- tables: array growth by appending, table.insert/remove at both ends, hash parts that grow
-- and shrink, table.sort, table.concat, table.move. Checksum: sums and a hash of a sorted run.
local ROUNDS = 10
local SIZE = 6000

local h = 0
for round = 1, ROUNDS do
  local a = {}
  for i = 1, SIZE do a[#a + 1] = (i * 7919 + round) % 10007 end
  for i = 1, 50 do table.insert(a, 1, i) end
  for _ = 1, 50 do table.remove(a, 1) end
  table.sort(a)
  local b = table.move(a, 1, #a // 2, 1, {})
  local map = {}
  for i = 1, SIZE do map["k" .. (a[i] % 3001)] = i end
  local n = 0
  for i = 0, 3000 do if map["k" .. i] then n = n + 1; map["k" .. i] = nil end end
  local grid = {}
  for y = 1, 60 do
    local row = {}
    for x = 1, 60 do row[x] = x * y + round end
    grid[y] = row
  end
  local sum = 0
  for y = 1, 60 do for x = 1, 60 do sum = sum + grid[y][x] end end
  h = (h * 31 + a[1] + a[#a] + #b + n + sum + #table.concat(b, ",", 1, 500)) & 0x7fffffff
end
return string.format("tables %d", h)
