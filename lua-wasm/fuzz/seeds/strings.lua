-- The string library: patterns, gsub, pack/unpack, rep, byte/char, utf8.
print(("hello world from Lua"):find("o w"), ("hello"):find("l+"), ("hello"):find("xyz"))
print(("key = value"):match("^(%w+)%s*=%s*(%w+)$"))
print(("  trim me  "):match("^%s*(.-)%s*$") .. "|")
print(("2024-01-15"):match("(%d+)-(%d+)-(%d+)"))
print(string.gsub("hello world", "o", "0"))
print(string.gsub("hello world", "(%w+)", "<%1>"))
print(string.gsub("abc", "%w", "%0%0"))
print(string.gsub("hello world", "%w+", {hello = "HI", world = false}))
print(string.gsub("$name is $age", "%$(%w+)", function(k) return ({name = "Lua", age = 31})[k] end))
print(string.gsub("abc", "", "-"))
print(string.gsub("THE (quick) fox", "%((%w+)%)", "%%1"))
print(pcall(string.gsub, "abc", "(", "x"))
print(pcall(string.gsub, "abc", "%", "x"))
print(pcall(string.rep, "x", -1), string.rep("ab", 3, ","), string.rep("", 1e6) == "")
print(("%bxy"):len(), ("f(a(b)c)d"):match("%b()"), ("THE END"):lower(), ("mixed Case"):upper())
print(("x"):rep(3), ("abc"):reverse(), ("abc"):sub(-2), ("abc"):sub(2, 100), ("abc"):sub(0), ("abc"):sub(3, 2))
print(("abc"):byte(1, -1))
print(string.char(72, 105, 0, 255):byte(1, -1))
for word in ("one two  three"):gmatch("%a+") do print(word) end
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do print(k, v) end
print(("[%a]"):format(1), ("%f[%a]%a+"):len())
print(("THE (quick) fox"):find("%f[%a]%a+%f[%A]"))
print(("hello.world"):find(".", 1, true), ("a+b"):find("+", 1, true))
print(string.format("%s", ("x"):rep(20, "y")))

-- pack / unpack
local packed = string.pack("i4 i8 d s1 z B", -2, math.maxinteger, 1.5, "abc", "zero", 255)
print(#packed, string.unpack("i4 i8 d s1 z B", packed))
print(string.pack(">I2 <I2 =I2", 0x0102, 0x0102, 0x0102):byte(1, -1))
print(string.packsize("i4 i8 d"), string.packsize("!8 i1 i8"), pcall(string.packsize, "s"))
print(string.unpack("<i2", "\255\127"), string.unpack(">i2", "\255\127"), string.unpack("b", "\200"))
print(pcall(string.pack, "i1", 200))
print(string.unpack("f", string.pack("f", 0.1)))
print(string.pack("j n", math.mininteger, -0.0):byte(1, -1))

-- utf8
print(utf8.char(72, 228, 8364, 128512), utf8.charpattern)
local s = "häll€ 😀"
print(utf8.len(s), #s, utf8.codepoint(s, 1, -1))
for p, c in utf8.codes(s) do print(p, c) end
print(utf8.offset(s, 3), utf8.offset(s, -1), utf8.len("\xff"), utf8.len(s, 3))
print(pcall(utf8.codepoint, "\xff"))
print(utf8.char(0x7FFFFFFF):byte(1, -1))

-- string comparison and coercion
print("a" < "b", "abc" < "abd", "" < "a", "Z" < "a", "a\0b" < "a\0c", #"a\0b")
print(("x"):rep(3, "\0"):byte(1, -1))
print(tostring(nil), tostring(true), tostring(12), tostring(1.25), tostring("s"))
print(table.concat({1, 2.5, "x"}, ", "), pcall(table.concat, {1, {}, 3}))
