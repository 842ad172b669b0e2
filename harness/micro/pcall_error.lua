-- pcall_error: N protected calls of a function that raises an error with a message; one op =
-- pcall + error + the message with its position (on wasm, a setjmp and a thrown exception).
-- Result: name, N (the op count the report divides by), checksum.
local N = 20000
local function fail(i) error("failed " .. (i & 7)) end
local sum = 0
for i = 1, N do
  local ok, message = pcall(fail, i)
  -- The message starts with the chunk's name, which differs between runners: read its end.
  if not ok then sum = sum + tonumber(message:match("failed (%d+)$")) end
end
return "pcall_error " .. N .. " " .. sum
