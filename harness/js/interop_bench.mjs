// The interop section of `cargo harness bench-wasm`: the cost of crossing between JavaScript
// and Lua through the value API (API.md), for our shipped Node modules
// (target/lua-wasm/<backend>/node/lua_wasm.js) and the wasmoon peer, in one process. Driven by
// the harness with one JSON argument; prints one JSON result on stdout.
//
//   { "modules": { BACKEND: NODE_DIR }, "calls": N, "warmup": W, "rounds": R }
//   -> { "wasmoonVersion", "wasmoonSkipped", "calls", "arrayLength", "objectKeys",
//        "memory": { RUNNER: { "start", "end" } }, "samples": [{ "runner", "item", "ms", "ops" }] }
//   memory: the byte size of the module's linear memory (all its VMs, and for ours its Rust
//   heap too) before the first round and after the last.
//
// Every runner does the same work through the same three operations (run a chunk and return
// its first result, set a global, get a global), so the timed code is shared:
//   call_lua      JS -> Lua: a Lua function held by JS, called `calls` times with a small integer
//   call_js       Lua -> JS: one chunk calling the global JS function (x) => x + 1 `calls` times
//   array_to_lua  set a global to a JS Array of ARRAY_LENGTH numbers (a copy: a sequence table)
//   array_to_js   get a global sequence table of ARRAY_LENGTH numbers (built in Lua) as an Array
//   object_to_lua set a global to a plain object of OBJECT_KEYS string keys with number values
//   object_to_js  get a global table of OBJECT_KEYS string keys (built in Lua) as an object
//   await         one async chunk awaiting an already resolved promise `calls / 10` times
//                 (runAsync and `p:await()`; wasmoon: doString and `p:await()`)
// Each round visits every runner (in rotated order, so drift hits all alike) and times each item
// once; the first `warmup` rounds are not reported. Results are checked once per runner before
// any timing (a wrong conversion stops the benchmark); the checks time nothing.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { importWasmoon, wasmoonFiles } from "./wasmoon.mjs";

const require = createRequire(import.meta.url);
const config = JSON.parse(process.argv[2]);

const ARRAY_LENGTH = 10_000;
const OBJECT_KEYS = 1_000;
/** Numbers with and without a fraction (integers and floats in Lua), the same on both sides. */
const value = (i) => i * 0.5;
const array = Array.from({ length: ARRAY_LENGTH }, (_, i) => value(i));
const object = Object.fromEntries(Array.from({ length: OBJECT_KEYS }, (_, i) => [`k${i}`, value(i)]));
const SETUP = `
  lua_array = {}
  for i = 1, ${ARRAY_LENGTH} do lua_array[i] = (i - 1) * 0.5 end
  lua_object = {}
  for i = 0, ${OBJECT_KEYS - 1} do lua_object["k" .. i] = i * 0.5 end
`;
const callLoop = (n) => `local s = 0 for i = 1, ${n} do s = inc(s) end return s`;
const awaitLoop = (n) => `local s = 0 for i = 1, ${n} do s = s + resolved:await() end return s`;

/**
 * Our module: the public LuaVm of the Node build. wasm-bindgen's Node glue keeps its instance to
 * itself, so it is caught as the glue creates it, to read the size of linear memory.
 */
function ours(dir) {
  const Instance = WebAssembly.Instance;
  let instance = null;
  WebAssembly.Instance = function (module, imports) {
    instance = new Instance(module, imports);
    return instance;
  };
  let LuaVm;
  try {
    ({ LuaVm } = require(join(dir, "lua_wasm.js")));
  } finally {
    WebAssembly.Instance = Instance;
  }
  const vm = new LuaVm();
  return {
    run: (code) => vm.run(code),
    runAsync: (code) => vm.runAsync(code),
    set: (name, v) => vm.set(name, v),
    get: (name) => vm.get(name),
    memoryBytes: () => instance?.exports.memory?.buffer.byteLength ?? null,
  };
}

/**
 * wasmoon, with `enableProxy: false`: by default wasmoon hands a JS Array or object to Lua as a
 * proxy (no copy, each element read later through a call into JS) and `get` returns that same
 * JS object, which is not the copy our API makes. `doStringSync` leaves its results on the main
 * thread's stack, so they are popped.
 */
async function wasmoon() {
  const LuaFactory = await importWasmoon();
  const lua = await new LuaFactory().createEngine({ enableProxy: false });
  return {
    run(code) {
      const top = lua.global.getTop();
      try {
        return lua.doStringSync(code);
      } finally {
        lua.global.setTop(top);
      }
    },
    runAsync: (code) => lua.doString(code),
    set: (name, v) => lua.global.set(name, v),
    get: (name) => lua.global.get(name),
    memoryBytes: () => lua.global.lua.module?.HEAPU8?.buffer.byteLength ?? null,
  };
}

function fail(runner, what, got) {
  throw new Error(`${runner}: ${what} (got ${typeof got === "object" ? JSON.stringify(got)?.slice(0, 200) : String(got)})`);
}

/** Prepares a runner and checks that every item converts correctly. Times nothing. */
async function prepare(name, runner) {
  runner.run(SETUP);
  runner.set("resolved", Promise.resolve(1));
  const awaited = await runner.runAsync(awaitLoop(100));
  if (awaited !== 100) fail(name, "an async chunk awaiting a resolved promise 100 times did not return 100", awaited);
  runner.set("inc", (x) => x + 1);
  const increment = runner.run("return function(x) return x + 1 end");
  if (typeof increment !== "function" || increment(41) !== 42) fail(name, "a Lua function called from JS did not return 42", increment);
  const loop = runner.run(callLoop(100));
  if (loop !== 100) fail(name, "a Lua loop calling a JS function 100 times did not return 100", loop);

  runner.set("js_array", array);
  const sum = array.reduce((a, b) => a + b, 0);
  const seen = runner.run(`local n, s = 0, 0 for i, v in ipairs(js_array) do n, s = n + 1, s + v end
    return (n == ${ARRAY_LENGTH} and #js_array == n and s == ${sum}) or ("n=" .. n .. " s=" .. s)`);
  if (seen !== true) fail(name, "the Array set in Lua is not a sequence of its numbers", seen);
  const got = runner.get("lua_array");
  if (!Array.isArray(got) || got.length !== ARRAY_LENGTH || got.some((v, i) => v !== value(i))) fail(name, "the Lua sequence is not the expected Array", got?.length);

  runner.set("js_object", object);
  const objectSum = Object.values(object).reduce((a, b) => a + b, 0);
  const keys = runner.run(`local n, s = 0, 0 for k, v in pairs(js_object) do n, s = n + 1, s + v end
    return (n == ${OBJECT_KEYS} and s == ${objectSum} and js_object.k${OBJECT_KEYS - 1} == ${value(OBJECT_KEYS - 1)}) or ("n=" .. n .. " s=" .. s)`);
  if (keys !== true) fail(name, "the object set in Lua is not a table of its keys", keys);
  const map = runner.get("lua_object");
  const proto = map === null || typeof map !== "object" ? undefined : Object.getPrototypeOf(map);
  if (proto !== Object.prototype || Object.keys(map).length !== OBJECT_KEYS || Object.keys(map).some((k) => map[k] !== value(Number(k.slice(1)))))
    fail(name, "the Lua table is not the expected plain object", map);
  return { ...runner, increment };
}

/** Each item: [name, operations per sample, one timed sample (ms)]. */
function items(runner, calls) {
  const time = (work) => {
    const start = performance.now();
    const result = work();
    return [performance.now() - start, result];
  };
  const loop = callLoop(calls);
  const awaits = Math.max(1, Math.floor(calls / 10));
  return [
    ["call_lua", calls, () => {
      const f = runner.increment;
      const [ms, s] = time(() => {
        let s = 0;
        for (let i = 0; i < calls; i++) s = f(s);
        return s;
      });
      if (s !== calls) throw new Error(`call_lua returned ${s}`);
      return ms;
    }],
    ["call_js", calls, () => {
      const [ms, s] = time(() => runner.run(loop));
      if (s !== calls) throw new Error(`call_js returned ${s}`);
      return ms;
    }],
    ["array_to_lua", 1, () => time(() => runner.set("js_array", array))[0]],
    ["array_to_js", 1, () => time(() => runner.get("lua_array"))[0]],
    ["object_to_lua", 1, () => time(() => runner.set("js_object", object))[0]],
    ["object_to_js", 1, () => time(() => runner.get("lua_object"))[0]],
    ["await", awaits, async () => {
      const start = performance.now();
      const s = await runner.runAsync(awaitLoop(awaits));
      if (s !== awaits) throw new Error(`await returned ${s}`);
      return performance.now() - start;
    }],
  ];
}

const runners = {};
for (const [backend, dir] of Object.entries(config.modules)) runners[backend] = await prepare(backend, ours(dir));
let wasmoonSkipped = null;
let wasmoonVersion = null;
let peer = null;
try {
  wasmoonVersion = JSON.parse(readFileSync(join(wasmoonFiles().js, "../../package.json"), "utf8")).version;
  peer = await wasmoon();
} catch (error) {
  wasmoonSkipped = `wasmoon could not be loaded: ${error.message.split("\n")[0]}`;
}
if (peer) runners.wasmoon = await prepare("wasmoon", peer);

const names = Object.keys(runners);
const work = Object.fromEntries(names.map((n) => [n, items(runners[n], config.calls)]));
const memoryAtStart = Object.fromEntries(names.map((n) => [n, runners[n].memoryBytes()]));
const samples = [];
for (let round = 0; round < config.warmup + config.rounds; round++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + round) % names.length];
    for (const [item, ops, sample] of work[name]) {
      const ms = await sample();
      if (round >= config.warmup) samples.push({ runner: name, item, ms, ops });
    }
  }
}
const memory = Object.fromEntries(names.map((n) => [n, { start: memoryAtStart[n], end: runners[n].memoryBytes() }]));
process.stdout.write(JSON.stringify({ wasmoonVersion, wasmoonSkipped, calls: config.calls, arrayLength: ARRAY_LENGTH, objectKeys: OBJECT_KEYS, memory, samples }));
