// Example scripts for the demo page.
export const examples = {
  "Hello": `print("Hello from Lua " .. _VERSION)
return 1 + 1`,
  "Call JavaScript": `-- 'page' is a JS object the demo gives Lua: its functions run in JS.
print(page.upper("hello from lua"))
local seconds = page.now() // 1000
print("JS clock says", os.date("!%H:%M:%S UTC", seconds))
-- Tables go to JS as objects and arrays; the result below is shown as JSON.
return page.describe({ name = "config", sizes = {1, 2, 3}, nested = { on = true } })`,
  "Await": `-- Lua waits for JS promises; the page stays responsive meanwhile.
local waited = await(sleep(300))
print("slept " .. waited .. " ms")
local text = fetchText("hello.txt"):await()
print("fetched: " .. text)
return #text`,
  "Memory over time": `-- Builds a table in steps, pausing between them, then drops it: watch the
-- chart (switch the allocator and run again to compare backends).
local keep = {}
for step = 1, 8 do
  for i = 1, 4000 do keep[#keep + 1] = { i, "item " .. i } end
  await(sleep(30))
end
print("entries", #keep, "in use", collectgarbage("count") // 1, "KiB")
keep = nil
collectgarbage()
await(sleep(30))
return collectgarbage("count") // 1 .. " KiB after collect"`,
  "Binary trees": `local function tree(d)
  if d == 0 then return {} end
  return {tree(d - 1), tree(d - 1)}
end
local function count(t)
  if not t[1] then return 1 end
  return 1 + count(t[1]) + count(t[2])
end
local total = 0
for i = 1, 20 do total = total + count(tree(12)) end
print("nodes", total)
return collectgarbage("count") // 1 .. " KiB in use"`,
  "Strings": `local words = {}
for w in ("the quick brown fox jumps over the lazy dog"):gmatch("%a+") do
  words[#words + 1] = w:upper()
end
print(table.concat(words, " "))
print(string.format("%5.2f | %x | %q", math.pi, 255, "tab\\t"))
return ("lua"):rep(3, "-")`,
  "Errors": `print(pcall(error, "caught"))
local t = setmetatable({}, {__index = function(_, k) error("no field " .. k, 2) end})
return t.missing`,
  "Coroutines": `local gen = coroutine.wrap(function()
  for i = 1, 5 do coroutine.yield(i * i) end
end)
for _ = 1, 5 do io.write(gen(), " ") end
print()`,
  "Out of memory": `-- The VM has a 8 MiB limit in this demo: this fails cleanly.
local t = {}
for i = 1, 1e7 do t[i] = i end`,
  "Runaway loop": `-- 50 million instructions per run in this demo.
while true do end`,
};
