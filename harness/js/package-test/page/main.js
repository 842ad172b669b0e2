// A page as a user writes it: the default entry and the buddy one, bundled by esbuild into
// app.js. The default entry's .wasm sits next to the bundle (where its
// new URL(..., import.meta.url) points); buddy's is given to init() by URL.
import init, { LuaVm, backendName, luaVersion } from "lua-wasm-alloc";
import initBuddy, * as buddy from "lua-wasm-alloc/buddy";

const result = {};
try {
  new LuaVm();
  result.beforeInit = "no error";
} catch (error) {
  result.beforeInit = error.message;
}
await init();
const vm = new LuaVm({ memoryLimit: 8 << 20 });
vm.set("greet", (name) => `hello, ${name}`);
result.talc = { backend: backendName(), lua: luaVersion(), value: vm.run("return { text = greet('page'), n = 6 * 7 }") };
vm.set("later", new Promise((resolve) => setTimeout(() => resolve("awaited"), 10)));
result.awaited = await vm.runAsync("return await(later)");
vm.free();

await initBuddy(new URL("./buddy.wasm", import.meta.url));
const other = new buddy.LuaVm();
result.buddy = { backend: buddy.backendName(), value: other.run("return #('x'):rep(1000)") };
other.free();
document.querySelector("#result").textContent = JSON.stringify(result);
