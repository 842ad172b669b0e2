-- json: a JSON encoder (keys sorted, so the text is deterministic) and a recursive-descent
-- decoder, round-tripping a generated document several times. Checksum: the text's length and
-- hash, and a sum read back from the decoded value.
local ROUNDS = 3
local RECORDS = 300

local encode
local function encode_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end
function encode(v, out)
  local t = type(v)
  if t == "table" then
    if #v > 0 or next(v) == nil then
      out[#out + 1] = "["
      for i = 1, #v do
        if i > 1 then out[#out + 1] = "," end
        encode(v[i], out)
      end
      out[#out + 1] = "]"
    else
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = k end
      table.sort(keys)
      out[#out + 1] = "{"
      for i, k in ipairs(keys) do
        if i > 1 then out[#out + 1] = "," end
        out[#out + 1] = encode_string(k)
        out[#out + 1] = ":"
        encode(v[k], out)
      end
      out[#out + 1] = "}"
    end
  elseif t == "string" then
    out[#out + 1] = encode_string(v)
  elseif t == "number" then
    out[#out + 1] = math.type(v) == "integer" and tostring(v) or string.format("%.14g", v)
  elseif t == "boolean" then
    out[#out + 1] = tostring(v)
  else
    out[#out + 1] = "null"
  end
  return out
end

local decode_value
local function skip(s, i) return s:find("[^ \t\r\n]", i) or #s + 1 end
local function decode_string(s, i)
  local parts, j = {}, i + 1
  while true do
    local c = s:sub(j, j)
    if c == '"' then return table.concat(parts), j + 1 end
    if c == "\\" then
      parts[#parts + 1] = string.char(tonumber(s:sub(j + 2, j + 5), 16))
      j = j + 6
    else
      local k = s:find('["\\]', j)
      parts[#parts + 1] = s:sub(j, k - 1)
      j = k
    end
  end
end
function decode_value(s, i)
  i = skip(s, i)
  local c = s:sub(i, i)
  if c == "{" then
    local obj = {}
    i = skip(s, i + 1)
    if s:sub(i, i) == "}" then return obj, i + 1 end
    while true do
      local key
      key, i = decode_string(s, skip(s, i))
      i = skip(s, i) + 1 -- ':'
      obj[key], i = decode_value(s, i)
      i = skip(s, i)
      local sep = s:sub(i, i)
      i = i + 1
      if sep == "}" then return obj, i end
    end
  elseif c == "[" then
    local arr = {}
    i = skip(s, i + 1)
    if s:sub(i, i) == "]" then return arr, i + 1 end
    while true do
      arr[#arr + 1], i = decode_value(s, i)
      i = skip(s, i)
      local sep = s:sub(i, i)
      i = i + 1
      if sep == "]" then return arr, i end
    end
  elseif c == '"' then
    return decode_string(s, i)
  elseif s:find("^true", i) then
    return true, i + 4
  elseif s:find("^false", i) then
    return false, i + 5
  elseif s:find("^null", i) then
    return nil, i + 4
  else
    local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", i)
    return math.tointeger(tonumber(num)) or tonumber(num), i + #num
  end
end

local function document(seed)
  local records = {}
  for i = 1, RECORDS do
    records[i] = {
      id = i + seed,
      name = "user \"" .. i .. "\"\n",
      score = (i * 37 + seed) % 1000 / 8,
      active = i % 2 == 0,
      tags = { "t" .. i % 7, "t" .. i % 11, "t" .. i % 13 },
      address = { street = i .. " Main St", zip = string.format("%05d", i * 97 % 100000) },
    }
  end
  return { version = seed, records = records, empty = {} }
end

local h, sum = 0, 0
for round = 1, ROUNDS do
  local text = table.concat(encode(document(round), {}))
  local value = decode_value(text, 1)
  local again = table.concat(encode(value, {}))
  assert(again == text, "round trip changed the text")
  for _, r in ipairs(value.records) do sum = sum + r.id + #r.tags + math.floor(r.score) end
  for i = 1, #text, 11 do h = (h * 31 + text:byte(i)) & 0x7fffffff end
  h = (h + #text) & 0x7fffffff
end
return string.format("json %d %d", h, sum)
