// Linear memory of many idle VMs in one module, per backend. Driven by `cargo harness density`
// with one JSON argument; prints one JSON result on stdout.
//
//   { "modules": { BACKEND: DIR }, "counts": [1, 10, 100, 1000] }
//     DIR holds a built module's Node entry point (lua_wasm.js). For each backend: the module's
//     linear memory once loaded, then with 1, 10, ... idle VMs alive (each `new LuaVm()`:
//     newstate + openlibs), the VMs' own heapBytes and liveBytes (memoryStats), and, after
//     every VM is freed and as many are created again, the memory again (it must not grow).
//
// The module's memory is read with its `linearMemoryBytes()` export when it has one, else from
// its WebAssembly instance, caught by wrapping WebAssembly.Instance while the glue loads.
"use strict";
const path = require("node:path");

const config = JSON.parse(process.argv[2]);

function load(dir) {
  const Original = WebAssembly.Instance;
  let instance = null;
  WebAssembly.Instance = function Instance(module, imports) {
    instance = new Original(module, imports);
    return instance;
  };
  let api;
  try {
    api = require(path.join(dir, "lua_wasm.js"));
  } finally {
    WebAssembly.Instance = Original;
  }
  if (typeof api.linearMemoryBytes === "function") {
    return { api, bytes: () => api.linearMemoryBytes() };
  }
  if (!instance || !(instance.exports.memory instanceof WebAssembly.Memory)) {
    throw new Error(`no wasm memory seen while loading ${dir}`);
  }
  const memory = instance.exports.memory;
  return { api, bytes: () => memory.buffer.byteLength };
}

function measure(dir, counts) {
  const { api, bytes } = load(dir);
  const base = bytes();
  const vms = [];
  const rows = [];
  for (const count of counts) {
    while (vms.length < count) vms.push(new api.LuaVm());
    let heap = 0;
    let live = 0;
    for (const vm of vms) {
      const stats = vm.memoryStats();
      heap += stats.heapBytes;
      live += stats.liveBytes;
    }
    rows.push({ vms: count, linearBytes: bytes(), heapBytes: heap, liveBytes: live });
  }
  for (const vm of vms) vm.free();
  const again = [];
  while (again.length < vms.length) again.push(new api.LuaVm());
  const reused = bytes();
  for (const vm of again) vm.free();
  return { backend: api.backendName(), baseBytes: base, rows, recreatedBytes: reused };
}

const result = {};
for (const [backend, dir] of Object.entries(config.modules)) {
  result[backend] = measure(dir, config.counts);
}
process.stdout.write(JSON.stringify(result));
