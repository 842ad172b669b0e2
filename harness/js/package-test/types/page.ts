// A browser page, under `moduleResolution: bundler`: init takes the module's URL.
import init, { LuaVm, initSync, type InitInput } from "lua-wasm-alloc/bump";

const input: InitInput = new URL("./bump.wasm", import.meta.url);
await init(input);
await init();
const vm = new LuaVm();
document.body.textContent = String(vm.run("return _VERSION"));
// @ts-expect-error: initSync needs the module's bytes
initSync();
{
  using scoped = new LuaVm();
  scoped.run("return 1");
}
