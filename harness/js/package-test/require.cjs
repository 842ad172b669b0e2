// CommonJS in Node: every entry loads with require, runs Lua and names its backend.
// Prints one JSON line: { entry: { backend, lua, value } }.
const assert = require("node:assert/strict");

const entries = ["lua-wasm-alloc", "lua-wasm-alloc/talc", "lua-wasm-alloc/dlmalloc", "lua-wasm-alloc/buddy", "lua-wasm-alloc/bump", "lua-wasm-alloc/slab"];
const seen = {};
for (const entry of entries) {
  const { LuaVm, backendName, luaVersion, init } = require(entry);
  assert.equal(typeof init, "function");
  const vm = new LuaVm({ memoryLimit: 8 << 20 });
  vm.set("double", (x) => 2 * x);
  const value = vm.run("return { sum = double(20) + 2, list = { 'a', 'b' } }");
  vm.free();
  seen[entry] = { backend: backendName(), lua: luaVersion(), value };
}
console.log(JSON.stringify(seen));
