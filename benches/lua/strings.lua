-- strings: string building (concatenation, table.concat, string.format, rep) and pattern work
-- (gsub with a string, a function and a table replacement, gmatch, find). Checksum: lengths and
-- a hash of the final text.
local ROUNDS = 30

local function hash(s)
  local h = #s
  for i = 1, #s, 7 do h = (h * 33 + s:byte(i)) & 0x7fffffff end
  return h
end

local words = { "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta" }
local upper = { alpha = "ALPHA", gamma = "GAMMA", eta = "ETA" }
local total, h = 0, 0
for round = 1, ROUNDS do
  local parts = {}
  for i = 1, 400 do
    parts[#parts + 1] = string.format("%s-%d:%05.2f", words[(i + round) % #words + 1], i * round, i / 7)
  end
  local text = table.concat(parts, " ")
  local s = ""
  for i = 1, 150 do s = s .. words[i % #words + 1] .. "," end
  text = text .. s
  text = text:gsub("%-(%d+)", "<%1>")
  text = text:gsub("(%a+)", upper)
  text = text:gsub("<(%d+)>", function(n) return "#" .. (tonumber(n) % 97) end)
  local count = 0
  for word, num in text:gmatch("(%a+)#(%d+)") do count = count + #word + tonumber(num) end
  local found = 0
  local at = 1
  while true do
    local i, j = text:find("theta", at, true)
    if not i then break end
    found, at = found + 1, j + 1
  end
  text = text:upper():rep(2):sub(round, -round)
  total = total + #text + count + found
  h = (h * 31 + hash(text)) & 0x7fffffff
end
return string.format("strings %d %d", total, h)
