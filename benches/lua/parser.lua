-- parser: generates Lua source (functions with locals, loops, tables and string constants),
-- compiles it with `load` and calls the result: the lexer, parser and code generator are the
-- hot path. Checksum: the results of the generated functions.
local CHUNKS = 120
local FUNCTIONS = 30

local function source(chunk)
  local lines = { "local M = {}" }
  for f = 1, FUNCTIONS do
    lines[#lines + 1] = string.format("function M.f%d(x)", f)
    lines[#lines + 1] = string.format("  local t = { a = %d, b = 'k%d_%d', %d, %d, %d }", f, chunk, f, f, chunk, f * chunk)
    lines[#lines + 1] = "  local s = 0"
    lines[#lines + 1] = string.format("  for i = 1, %d do", f % 5 + 1)
    lines[#lines + 1] = string.format("    if i %% 2 == 0 then s = s + t[1] * i else s = s - #t.b + x end")
    lines[#lines + 1] = "  end"
    lines[#lines + 1] = string.format("  return s + t.a + (x > %d and 1 or 2)", f)
    lines[#lines + 1] = "end"
  end
  lines[#lines + 1] = "return M"
  return table.concat(lines, "\n")
end

local h = 0
for chunk = 1, CHUNKS do
  local M = assert(load(source(chunk), "=gen" .. chunk))()
  for f = 1, FUNCTIONS do h = (h * 31 + M["f" .. f](chunk)) & 0x7fffffff end
end
return string.format("parser %d", h)
