-- pcall_ok: N protected calls that return normally; one op = pcall of a small function (on
-- wasm, a setjmp and a try block, nothing thrown).
-- Result: name, N (the op count the report divides by), checksum.
local N = 200000
local function add(a, b) return a + b end
local sum = 0
for i = 1, N do
  local _, v = pcall(add, i, 1)
  sum = sum + v
end
return "pcall_ok " .. N .. " " .. sum
