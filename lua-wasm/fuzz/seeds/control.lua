-- Tables, sorting, closures, coroutines, goto, metatables, errors.
local t = {5, 2, 8, 1, 9, 3, 7, 4, 6, 0}
table.sort(t)
print(table.concat(t, " "))
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, " "))
local words = {"pear", "Apple", "fig", "banana", "apple", "Fig"}
table.sort(words)
print(table.concat(words, " "))
print(pcall(table.sort, {3, 1, 2}, function(a, b) return true end))
local big = {}
for i = 1, 1000 do big[i] = (i * 7919) % 1000 end
table.sort(big)
local sorted = true
for i = 2, #big do sorted = sorted and big[i - 1] <= big[i] end
print("sorted 1000", sorted, big[1], big[1000])
print(table.unpack({1, 2, 3}, 2), select("#", table.unpack({}, 1, 3)), select(-1, 1, 2, 3))
local moved = table.move({1, 2, 3, 4, 5}, 2, 4, 1)
print(table.concat(moved, ","), table.remove({1, 2, 3}), table.remove({1, 2, 3}, 1), #table.pack(nil, nil))
local ins = {}
table.insert(ins, "a") table.insert(ins, 1, "b") table.insert(ins, 2, "c")
print(table.concat(ins), pcall(table.insert, ins, 10, "x"))
print(next({}), rawlen({1, 2}), rawequal(t, t), rawget(setmetatable({}, {__index = function() return 1 end}), "x"))

-- closures and varargs
local function counter()
  local n = 0
  return function() n = n + 1 return n end
end
local c1, c2 = counter(), counter()
print(c1(), c1(), c2(), c1())
local function va(...) return select("#", ...), ... end
print(va(nil, nil), va())

-- coroutines
local co = coroutine.create(function(a, b)
  local c = coroutine.yield(a + b)
  local d, e = coroutine.yield(c * 2)
  return d + e, "done"
end)
print(coroutine.resume(co, 1, 2))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4))
print(coroutine.resume(co), coroutine.status(co))
local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
print(gen(), gen(), gen())
local failing = coroutine.wrap(function() error("inside wrap") end)
print(pcall(failing))
local failing_obj = coroutine.wrap(function() error({code = 7}) end)
local ok, obj = pcall(failing_obj)
print(ok, type(obj), obj.code)
print(coroutine.isyieldable(), select(2, coroutine.running()))
local co2 = coroutine.create(function() coroutine.yield() end)
coroutine.resume(co2)
print(coroutine.close(co2), coroutine.status(co2))
local co3 = coroutine.create(function() error("x") end)
print(coroutine.resume(co3))
print(coroutine.close(co3))

-- goto
do
  local i, out = 1, {}
  ::top::
  if i <= 5 then
    if i % 2 == 0 then goto continue end
    out[#out + 1] = i
    ::continue::
    i = i + 1
    goto top
  end
  print("goto", table.concat(out, ","))
end

-- metatables
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x}, V) end
V.__eq = function(a, b) return a.x == b.x end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__tostring = function(v) return "V(" .. v.x .. ")" end
V.__len = function() return 42 end
V.__call = function(self, y) return self.x * y end
V.__concat = function(a, b) return tostring(a) .. "&" .. tostring(b) end
V.__close = function() print("closed") end
local a, b = setmetatable({x = 1}, V), setmetatable({x = 2}, V)
print(tostring(a + b), a == b, a < b, a <= b, #a, a(10), a .. b, a .. "s")
do local v <close> = a end
print(getmetatable("").__index == string, getmetatable(setmetatable({}, {__metatable = "locked"})))
local weak = setmetatable({}, {__mode = "k"})
weak[{}] = 1
collectgarbage()
print("weak entries", next(weak))

-- errors with levels and non-string objects
local function lvl1() error("level one", 1) end
local function lvl2() error("level two", 2) end
local function lvl0() error("no position", 0) end
print(pcall(lvl1))
print(pcall(lvl2))
print(pcall(lvl0))
print(pcall(error))
print(pcall(error, nil))
print(select(2, pcall(error, {1, 2})) ~= nil, pcall(error, 42), pcall(error, true))
local E = setmetatable({}, {__tostring = function() return "custom error" end})
print(pcall(error, E))
print(select(2, pcall(error, E)) == E)
print(xpcall(function() error("handled") end, function(m) return "handler: " .. m end))
print(xpcall(function(...) return ... end, print, 1, 2))
print(pcall(function() local x = nil; return x.field end))
print(pcall(function() return 1 + {} end))
print(pcall(function() return #5 end))
print(pcall(function() undefined_global() end))
print(pcall(function() local t = setmetatable({}, {__index = function(t, k) error("no " .. k) end}) return t.key end))
print(select("#", pcall(error)))
print(string.format("%s", pcall(load, "x =")))
print(load("x ="))
print(load("return 1 +* 2"))
print(load("\27Lua"))
print(pcall(load(string.dump(function() return 1 end), "bin", "t")))

-- deep recursion ends in a Lua error, not a trap
-- (Big frames: 190 registers each, so the stack overflows after ~5000 calls. Millions of tiny
-- frames would test the same limit but take minutes to free on the buddy backend.)
local deep = load("local f; f = function(n) local " .. ("x, "):rep(189) .. "x = n return 1 + f(n + 1) end return f")()
local ok, msg = pcall(deep, 1)
print(ok, (msg:gsub("^.-:%d+: ", "")))
local function cdeep() return tostring(setmetatable({}, {__tostring = cdeep})) end
ok, msg = pcall(cdeep)
print(ok, (msg:gsub("^.-:%d+: ", "")))
local nested = string.rep("(", 300) .. "1" .. string.rep(")", 300)
print(load("return " .. nested))
local ok2, msg2 = pcall(string.gsub, "x", "x", function() return (string.gsub("x", "x", cdeep)) end)
print(ok2, (tostring(msg2):gsub("^.-:%d+: ", "")))
print(pcall(function() return setmetatable({}, {__index = function(t, k) return t[k] end}).x end))
