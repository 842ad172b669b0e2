-- string.format over many values, flags, widths and precisions.
local values = {
  0, -0.0, 1, -1, 0.1, 0.5, 1.5, 2.5, -2.5, 1/3, 2/3, 100, 123456789, 1e15, 1e16, 1e17,
  1e22, 1e23, 1e100, 1e300, 1.7976931348623157e308, 2.2250738585072014e-308,
  4.9406564584124654e-324, 1e-5, 1e-4, 123.456, 0.000123456, 2^53, 2^53 + 1, 2^63, -2^63,
  math.pi, -math.pi, math.huge, -math.huge,
}
local float_formats = {
  "%e", "%E", "%f", "%F", "%g", "%G", "%a", "%A", "%.0e", "%.0f", "%.0g", "%#.0e", "%#.0f",
  "%#g", "%#.3g", "%.1e", "%.3f", "%.14g", "%.17g", "%.20f", "%.99f", "%+e", "% f", "%+.3g",
  "%-12.3e|", "%12.3e", "%012.3f", "%-+012.3f|", "%0+15.4g", "%.3a", "%.0a", "%#a", "%10.1a",
  "%5.1s", "%.3s", "%q",
}
for _, f in ipairs(float_formats) do
  local row = {}
  for _, v in ipairs(values) do
    if f:find("s") then v = tostring(v) end
    local ok, s = pcall(string.format, f, v)
    row[#row + 1] = ok and s or ("ERR " .. s)
  end
  print(f, table.concat(row, " "))
end

local integers = {
  0, 1, -1, 7, -7, 42, 255, 256, 65535, 2^31 - 1, -2^31, 2^32, 1000000007,
  math.maxinteger, math.mininteger, math.maxinteger - 1, math.mininteger + 1,
}
local int_formats = {
  "%d", "%i", "%5d", "%-5d|", "%05d", "%+d", "% d", "%.3d", "%.0d", "%x", "%X", "%#x", "%#X",
  "%o", "%#o", "%08x", "%-8X|", "%20d", "%.20d", "%c", "%q",
}
for _, f in ipairs(int_formats) do
  local row = {}
  for _, v in ipairs(integers) do
    if f == "%c" then v = v % 256 end
    if type(v) == "number" and math.type(v) == "float" then v = math.tointeger(v) end
    local ok, s = pcall(string.format, f, v)
    row[#row + 1] = ok and s or ("ERR " .. s)
  end
  print(f, (table.concat(row, " "):gsub("%z", "\\0")))
end

print(string.format("%s|%10s|%-10s|%.2s", "abc", "abc", "abc", "abc"))
print(string.format("%q", "line\nbreak\0zero\"quote\\ \r\t\200"))
print(string.format("%q", 1e100), string.format("%q", -0.0), string.format("%q", 1/0), string.format("%q", -1/0))
print(string.format("%5s%%|%-5s", "a", "b"))
print(pcall(string.format, "%d", 1.5))
print(pcall(string.format, "%10.123f", 1))
print(pcall(string.format, "%y", 1))
print(string.format("%.14g", 0.1 + 0.2), 0.1 + 0.2, 100 / 3, -1e-300 * 1e-300)
