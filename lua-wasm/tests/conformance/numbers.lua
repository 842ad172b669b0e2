-- tostring/tonumber edge cases, integer arithmetic, math functions.
local function show(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) .. ":" .. (math.type(t[i]) or type(t[i])) end
  print(table.concat(t, " "))
end

show(-0.0, 0.0, 1/0, -1/0, 2^53, 2^63, -2^63, 2^-1074, 1e308 * 10)
show(math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger, math.mininteger // -1)
show(3 // 2, -3 // 2, 3 // -2, 3.0 // 2, -3.5 // 1, 7 % 3, -7 % 3, 7 % -3, -7 % -3, 5.5 % 2, -5.5 % 2)
show(7 // 0.0, -7 // 0.0, 0/0 ~= 0/0, 5 % math.huge, -5 % math.huge, math.mininteger % -1)
print(pcall(function() return 1 // 0 end))
print(pcall(function() return 1 % 0 end))
show(1 << 63, 1 << 64, -1 >> 1, 5 & 3, 5 | 3, 5 ~ 3, ~0, 2^31 | 0)
show(tonumber("0x10"), tonumber("0xA.8p1"), tonumber("0x.1"), tonumber("1e1"), tonumber("  .5  "))
show(tonumber("5."), tonumber(".5e-3"), tonumber("0x7fffffffffffffff"), tonumber("0xffffffffffffffff"))
show(tonumber("9223372036854775807"), tonumber("9223372036854775808"), tonumber("-9223372036854775808"))
show(tonumber("1e400"), tonumber("-1e400"), tonumber("1e-400"), tonumber("inf"), tonumber("nan"))
show(tonumber("0x"), tonumber("1e"), tonumber(""), tonumber(" "), tonumber("1 2"), tonumber("0x1p"))
show(tonumber("10", 2), tonumber("ff", 16), tonumber("zz", 36), tonumber("8", 8), tonumber(" -7 ", 10))
show(tonumber("123456789012345678901234567890"), tonumber("0.1e-310"), tonumber("2.5e-324"))
show(tonumber("0x1.fffffffffffff8p1023"), tonumber("0x1.0000000000000801p0"), tonumber("4.9406564584124654e-324"))
show(math.tointeger(3.0), math.tointeger(3.5), math.tointeger("8"), math.tointeger(2^63))
show(3 == 3.0, math.ult(1, -1), 1 < 1.5, math.maxinteger < 2^63, math.maxinteger + 0.0 == 2^63)
show(math.floor(-3.5), math.ceil(-3.5), math.floor(2^62), math.abs(math.mininteger), math.fmod(-7, 3))
show(math.fmod(7, -3), math.fmod(-7.5, 2), math.fmod(1, 0.0) ~= math.fmod(1, 0.0), math.max(1, 2.5), math.min(-0.0, 0))
print(pcall(math.fmod, 1, 0))
-- libm's results to 14 digits: the C library natively (glibc) and the wasm shim's (a port of
-- musl's) may differ in the last bit, which Lua 5.5's round-trip tostring would print.
local function libm(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tonumber(string.format("%.13e", t[i])) end
  return table.unpack(t, 1, t.n)
end
show(libm(math.sqrt(2), math.exp(1), math.log(10), math.log(8, 2), math.log(100, 10), math.log(2, 3)))
show(libm(math.sin(1), math.cos(1), math.tan(1), math.asin(0.5), math.acos(0.5), math.atan(1, 2), math.atan(-1)))
show(2^0.5, 10^-2, (-8)^(1/3) ~= (-8)^(1/3), 2^1023 * 2, 1e300 * 1e10)
show(string.format("%.14g", 2^63), 2^63 == math.maxinteger + 1.0, 9007199254740993)
show(8 // 3 * 3 + 8 % 3, -8 // 3 * 3 + -8 % 3, 1e15 + 0.5, 123456789012 * 1000)
local parsed = {}
for _, s in ipairs({"1", "1.0", "-0", "0x10", "1e2", "0x1P-2", "  3  ", "3a", "- 1"}) do
  parsed[#parsed + 1] = s .. "=" .. tostring(tonumber(s))
end
print(table.concat(parsed, " "))
show(#tostring(12345), "10" + 1, "3" * "4", "2" ^ 2, 10 .. 20, "0x10" + 0, "1e1" // 1)
show(math.type(1), math.type(1.0), math.type("1"), string.format("%d", 3.0))
print(pcall(string.rep))
print(select("#", table.unpack({1, 2, nil, 4}, 1, 4)))
