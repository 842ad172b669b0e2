// ES modules in Node: every entry loads with import (the same instance as require), init()
// resolves, Lua runs. Prints one JSON line: { entry: { backend, lua, value, sameAsRequire } }.
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const entries = ["lua-wasm-alloc", "lua-wasm-alloc/talc", "lua-wasm-alloc/dlmalloc", "lua-wasm-alloc/buddy", "lua-wasm-alloc/bump", "lua-wasm-alloc/slab"];
const seen = {};
for (const entry of entries) {
  const module = await import(entry);
  assert.equal(module.default, module.init, "the default export is init");
  await module.init();
  const vm = new module.LuaVm();
  vm.set("answer", Promise.resolve(21));
  const awaited = await vm.runAsync("return await(answer) * 2");
  vm.free();
  seen[entry] = {
    backend: module.backendName(),
    lua: module.luaVersion(),
    value: awaited,
    sameAsRequire: require(entry).LuaVm === module.LuaVm,
  };
}
console.log(JSON.stringify(seen));
