// Node, CommonJS, under `moduleResolution: nodenext`.
import lua = require("lua-wasm-alloc/slab");

const vm: lua.LuaVm = new lua.LuaVm();
const value: lua.LuaValue = vm.run("return 1");
const ready: Promise<void> = lua.init();
// @ts-expect-error: exec returns a string
const n: number = vm.exec("return 1");
console.log(value, ready, n, lua.backendName());
vm.free();
