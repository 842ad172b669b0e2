local log = {}
local function closer(name) return setmetatable({}, {__close = function() log[#log + 1] = name end}) end
do local a <close> = closer('a') end
local co = coroutine.wrap(function(x) for i = 1, 3 do x = coroutine.yield(x + i) end return x end)
print(co(1), co(2), co(3), co(4))
print(pcall(error, setmetatable({}, {__tostring = function() return 'obj' end})))
print(xpcall(function() error('deep') end, debug.traceback))
print(('hello world'):gsub('(%w+)', '<%1>'), string.format('%q %5.2f %x', 'a\0b', 1/3, 255))
print(load('return ...', '=c', 't')(1, 2), load(string.dump(function() end)))
setmetatable({}, {__gc = function() error('in gc') end})
collectgarbage() collectgarbage('step') collectgarbage('generational') collectgarbage('incremental')
local t = {} for i = 1, 1000 do t[i] = i end print(#table.concat(t, ','), select('#', table.unpack(t)))
print(pcall(string.rep, 'x', 1e12), table.concat(log))
local s = 'x' while #s < 1e6 do s = s .. s end print(#s)
