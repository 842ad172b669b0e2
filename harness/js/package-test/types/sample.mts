// Node, ES module, under `moduleResolution: nodenext`: the types of the value API.
import init, { LuaVm, backendName, luaVersion, type LuaError, type LuaErrorKind, type LuaValue, type MemoryStats } from "lua-wasm-alloc";
import * as buddy from "lua-wasm-alloc/buddy";

await init();
const vm: LuaVm = new LuaVm({ memoryLimit: 1 << 20, instructionLimit: 1000, timeLimit: 50, trusted: false });
vm.set("add", (a: number, b: number) => a + b);
const sum: LuaValue = vm.run("return add(1, 2)", "sum.lua");
const all: LuaValue[] = vm.runAll("return 1, 2");
const later: Promise<LuaValue> = vm.runAsync("return 1");
const text: string = vm.exec("return 1") + vm.takeOutput();
const bytes: Uint8Array = vm.takeOutputBytes();
const stats: MemoryStats = vm.memoryStats();
const live: number = stats.liveBytes;
const version: "5.4" | "5.5" = luaVersion();
const name: string = backendName() + buddy.backendName();
try {
  vm.run("error('x')");
} catch (e) {
  const error = e as LuaError;
  const kind: LuaErrorKind = error.kind;
  console.log(kind === "runtime", error.traceback, error.value);
}
// @ts-expect-error: not a kind of error
const bogus: LuaErrorKind = "bogus";
// @ts-expect-error: an unknown option
new LuaVm({ memoryLimits: 1 });
// @ts-expect-error: code is a string
vm.run(42);
// @ts-expect-error: takeOutput returns a string
const wrong: number = vm.takeOutput();
vm.free();
console.log(sum, all, later, text, bytes, live, version, name, wrong, bogus);
