-- coroutine_switch: one coroutine resumed and yielding back N times; one op = a resume and its
-- yield (on wasm, each yield is a longjmp: a thrown wasm exception).
-- Result: name, N (the op count the report divides by), checksum.
local N = 50000
local co = coroutine.wrap(function()
  local i = 0
  while true do
    i = i + 1
    coroutine.yield(i)
  end
end)
local sum = 0
for _ = 1, N do sum = sum + co() end
return "coroutine_switch " .. N .. " " .. sum
