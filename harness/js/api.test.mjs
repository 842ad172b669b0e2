// The public JS API of every built module (target/lua-wasm/<backend>/node/lua_wasm.js), as a
// Node user sees it. Run by `cargo harness test` after `cargo harness build`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { readdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "target", "lua-wasm");
const backends = readdirSync(root).filter((b) => existsSync(join(root, b, "node", "lua_wasm.js")));
assert.ok(backends.length > 0, `no built modules under ${root}: run cargo harness build`);

for (const backend of backends) {
  // `talc-lua55` is the talc backend on Lua 5.5; `talc-speed`, `talc-size` are talc in those
  // build profiles (`cargo harness build --profile`), after the Lua version's suffix.
  const built = backend.replace(/-(speed|size)$/, "");
  const allocator = built.replace(/-lua55$/, "");
  const lua = built.endsWith("-lua55") ? "5.5" : "5.4";
  const entry = join(root, backend, "node", "lua_wasm.js");
  const { LuaVm, backendName, luaVersion, linearMemoryBytes } = require(entry);

  test(`${backend}: backendName names the compiled-in backend, luaVersion its Lua`, () => {
    assert.equal(backendName(), allocator);
    assert.equal(luaVersion(), lua);
    const vm = new LuaVm();
    assert.equal(vm.exec("return _VERSION"), `Lua ${lua}`);
    vm.free();
    const bytes = linearMemoryBytes();
    assert.ok(bytes >= 65536 && bytes % 65536 === 0, `linear memory ${bytes} is whole wasm pages`);
  });

  test(`${backend}: exec returns tostring results joined by tabs`, () => {
    const vm = new LuaVm();
    assert.equal(vm.exec("return 1+1"), "2");
    assert.equal(vm.exec("return 1, 'two', nil"), "1\ttwo\tnil");
    assert.equal(vm.exec("x = 5"), "");
    assert.equal(vm.exec("return x", "named"), "5");
    vm.free();
  });

  test(`${backend}: Lua errors are Errors named LuaError with a traceback`, () => {
    const vm = new LuaVm();
    assert.throws(() => vm.exec("error('boom')"), (e) => {
      assert.ok(e instanceof Error);
      assert.equal(e.name, "LuaError");
      assert.equal(e.message, `[string "error('boom')"]:1: boom`);
      assert.match(e.traceback, /stack traceback:/);
      return true;
    });
    assert.throws(() => vm.exec("error({})"), (e) => e.name === "LuaError" && e.message === "(error object is a table value)" && e.kind === "runtime");
    assert.throws(() => vm.exec("\x1bLua"), (e) => e.name === "LuaError" && /binary chunk/.test(e.message));
    assert.equal(vm.exec("return 'still usable'"), "still usable");
    vm.free();
  });

  test(`${backend}: output, modules and memory statistics`, () => {
    const vm = new LuaVm({ memoryLimit: 0 });
    vm.exec("print('hello') io.write('x', 1, '\\n')");
    assert.equal(vm.takeOutput(), "hello\nx1\n");
    vm.registerModule("m", "return { answer = 42 }");
    assert.equal(vm.exec("return require('m').answer"), "42");
    const stats = vm.memoryStats();
    assert.equal(stats.backend, allocator);
    for (const key of ["liveBytes", "peakBytes", "allocations", "reallocations", "frees", "failedAllocations", "limitBytes", "heapBytes", "peakHeapBytes", "growCount"]) {
      assert.equal(typeof stats[key], "number", key);
    }
    assert.ok(stats.peakBytes >= stats.liveBytes && stats.liveBytes > 0);
    vm.free();
  });

  test(`${backend}: memory limit fails cleanly and can be raised`, () => {
    const vm = new LuaVm({ memoryLimit: 300_000 });
    const fill = "local t = {} for i = 1, 30000 do t[i] = i end return #t";
    assert.throws(() => vm.exec(fill), (e) => e.name === "LuaError" && e.message === "not enough memory");
    assert.ok(vm.memoryStats().peakBytes <= 300_000);
    vm.setMemoryLimit(0);
    assert.equal(vm.exec(fill), "30000");
    vm.free();
  });

  test(`${backend}: instruction limit stops runaway loops`, () => {
    const vm = new LuaVm({ instructionLimit: 100_000 });
    assert.throws(() => vm.exec("while true do end"), (e) => e.name === "LuaError" && /instruction limit/.test(e.message));
    assert.equal(vm.exec("return 2 + 2"), "4");
    vm.free();
  });

  test(`${backend}: misuse from JavaScript gets clear errors`, () => {
    assert.throws(() => new LuaVm({ memoryLimit: -1 }), RangeError);
    assert.throws(() => new LuaVm({ instructionLimit: "many" }), TypeError);
    const vm = new LuaVm();
    vm.free();
    vm.free(); // harmless
    for (const call of [() => vm.exec("return 1"), () => vm.takeOutput(), () => vm.memoryStats(), () => vm.setMemoryLimit(1), () => vm.registerModule("a", "")]) {
      assert.throws(call, /this LuaVm has been freed/);
    }
  });

  test(`${backend}: 200 VMs created and freed in turn reuse memory`, () => {
    let firstHeap = 0;
    for (let i = 0; i < 200; i++) {
      const vm = new LuaVm();
      vm.exec("local t = {} for i = 1, 2000 do t[i] = {i} end");
      if (i === 0) firstHeap = vm.memoryStats().heapBytes;
      vm.free();
    }
    const probe = new LuaVm();
    const grows = probe.memoryStats();
    probe.free();
    assert.ok(firstHeap > 0);
    assert.ok(grows.heapBytes <= 4 * firstHeap, `heap ${grows.heapBytes} after 200 VMs vs ${firstHeap} for one`);
  });

  test(`${backend}: values both ways through the public wrapper`, () => {
    const vm = new LuaVm();
    vm.set("config", { name: "app", sizes: [1, 2, 3], nested: { on: true }, big: 2n ** 60n });
    assert.deepEqual(vm.runAll("return config.name, #config.sizes, config.nested.on, math.type(config.big)"), ["app", 3, true, "integer"]);
    assert.deepEqual(vm.run("return {list = {1, 2}, name = 'x'}"), { list: [1, 2], name: "x" });
    vm.run("function add(a, b) return a + b end");
    assert.equal(vm.call("add", 2, 40), 42);
    assert.equal(vm.get("add")(1, 2), 3);
    vm.set("greet", (name) => `hello ${name}`);
    assert.equal(vm.run("return greet('lua')"), "hello lua");
    assert.equal(vm.run("return math.mininteger"), -(2n ** 63n));
    vm.run("io.write('\\255')");
    assert.deepEqual([...vm.takeOutputBytes()], [255]);
    vm.free();
  });

  test(`${backend}: JS functions may call back into the same VM`, () => {
    const vm = new LuaVm({ instructionLimit: 1_000_000 });
    vm.set("host", (x) => vm.run(`return ${x} * 2`) + vm.call("inc", x) + vm.get("base"));
    vm.run("base = 100 function inc(x) return x + 1 end");
    assert.equal(vm.run("return host(5)"), 10 + 6 + 100);
    vm.set("nested", () => vm.run("return host(1)"));
    assert.equal(vm.run("return nested()"), 2 + 2 + 100);
    vm.set("sets", (v) => { vm.set("fromJs", v); return vm.get("fromJs"); });
    assert.deepEqual(vm.run("return sets({7, 8})"), [7, 8]);
    vm.free();
  });

  test(`${backend}: free() while Lua runs throws and frees nothing`, () => {
    const vm = new LuaVm();
    let thrown = null;
    vm.set("freeMe", () => { try { vm.free(); } catch (e) { thrown = e; } return "still here"; });
    assert.equal(vm.run("return freeMe()"), "still here");
    assert.match(String(thrown && thrown.message), /while Lua is running/);
    assert.equal(vm.run("return 1 + 1"), 2);
    const f = vm.run("return function() return 'alive' end");
    vm.free();
    assert.throws(() => f(), /this LuaVm has been freed/);
    assert.throws(() => vm.run("return 1"), /this LuaVm has been freed/);
  });

  test(`${backend}: errors carry kind and value; JS exceptions come back as themselves`, () => {
    const vm = new LuaVm({ memoryLimit: 2_000_000, instructionLimit: 200_000 });
    const kinds = [["return +", "syntax"], ["error('x')", "runtime"], ["while true do end", "instructionLimit"], ["local s = 'x' while true do s = s .. s end", "memory"]];
    for (const [code, kind] of kinds) {
      assert.throws(() => vm.run(code), (e) => e.name === "LuaError" && e.kind === kind, code);
    }
    assert.throws(() => vm.run("error({code = 7})"), (e) => e.value.code === 7);
    class Custom extends Error {}
    const original = new Custom("from js");
    vm.set("thrower", () => { throw original; });
    assert.throws(() => vm.run("thrower()"), (e) => e === original);
    assert.equal(vm.run("local ok, e = pcall(thrower) return e"), "from js");
    assert.throws(() => vm.set("x", 2n ** 64n), RangeError);
    assert.throws(() => new LuaVm({ memoryLimit: 1, unknown: 2 }), TypeError);
    assert.equal(vm.run("return 'usable'"), "usable");
    vm.free();
  });

  test(`${backend}: dropped functions both ways give their memory back`, async () => {
    assert.equal(typeof globalThis.gc, "function", "run with node --expose-gc");
    const vm = new LuaVm();
    vm.collectGarbage();
    const start = vm.memoryStats().liveBytes;
    vm.run("function make() return function() end end");
    for (let i = 0; i < 100_000; i++) vm.call("make");
    for (let i = 0; i < 100_000; i++) vm.set("callback", () => i);
    vm.set("callback", null);
    // FinalizationRegistry callbacks run after a collection, in a later task.
    for (let round = 0; round < 20 && vm.memoryStats().liveBytes > start + 65536; round++) {
      globalThis.gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
      vm.collectGarbage();
    }
    const end = vm.memoryStats().liveBytes;
    assert.ok(end <= start + 65536, `live ${end} bytes after dropping 200,000 functions, ${start} at start`);
    vm.free();
  });

  test(`${backend}: vm.fs and Lua's io share one in-memory file system`, () => {
    const vm = new LuaVm({ memoryLimit: 1 << 20 });
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    vm.fs.writeFile("/data/in.bin", bytes);
    vm.fs.writeFile("lib/pkg/mod.lua", "return { twice = function(x) return 2 * x end }");
    assert.equal(vm.exec(`
      local f = assert(io.open("/data/in.bin", "rb")) local data = f:read("a") f:close()
      local g = assert(io.open("/data/out.bin", "wb")) g:write(data:reverse()) g:close()
      package.path = "/lib/?.lua;" .. package.path
      return #data, require("pkg.mod").twice(21), io.open("../../data/in.bin") ~= nil`), "256\t42\ttrue");
    assert.deepEqual(vm.fs.readFile("/data/out.bin"), bytes.slice().reverse());
    assert.deepEqual(vm.fs.readdir("/data"), ["in.bin", "out.bin"]);
    assert.ok(vm.fs.exists("data/../data/in.bin"));
    vm.fs.unlink("/data/in.bin");
    assert.ok(!vm.fs.exists("/data/in.bin"));
    assert.throws(() => vm.fs.readFile("/data/in.bin"), (e) => e.name === "LuaError" && e.kind === "io" && /No such file/.test(e.message));
    assert.throws(() => vm.fs.writeFile("/big", new Uint8Array(2 << 20)), (e) => e.kind === "memory");
    assert.equal(vm.exec(`
      local f = assert(io.open("/big", "w")) local ok, msg local chunk = ("x"):rep(65536)
      for i = 1, 64 do ok, msg = f:write(chunk) if not ok then break end end
      f:close() os.remove("/big") return ok, msg`), "nil\tCannot allocate memory");
    assert.equal(vm.exec("return 1 + 1"), "2");
    assert.throws(() => vm.fs.writeFile("/x", 42), TypeError);
    vm.free();
  });

  test(`${backend}: stdin, stdout/stderr (buffers and streams), env, os.exit`, () => {
    const chunks = [];
    const vm = new LuaVm({ stdin: "line one\n7\n", env: { PATH: "/usr/bin" }, stderr: (c) => chunks.push(c) });
    assert.equal(vm.exec("io.stderr:write('oops\\n') warn('@on') warn('w') return io.read('l'), io.read('n'), io.read('l'), io.read('l'), os.getenv('PATH'), os.getenv('HOME')"), "line one\t7\t\tnil\t/usr/bin\tnil");
    assert.deepEqual(chunks.join(""), "oops\nLua warning: w\n");
    assert.equal(vm.takeErrorOutput(), "");
    vm.exec("io.write('out') print('!')");
    assert.equal(vm.takeOutput(), "out!\n");
    assert.throws(() => vm.exec("pcall(os.exit, 4) print('not reached')"), (e) => e.name === "LuaExit" && e.code === 4 && e.kind === "exit");
    assert.equal(vm.takeOutput(), "");
    assert.equal(vm.exec("return io.popen == nil, (select(2, os.execute('ls')))"), "false\tos.execute is not available in the sandbox (no processes)");
    vm.free();
    const plain = new LuaVm();
    plain.exec("io.stderr:write('to the buffer')");
    assert.equal(plain.takeErrorOutput(), "to the buffer");
    assert.throws(() => new LuaVm({ env: { A: 1 } }), TypeError);
    assert.throws(() => new LuaVm({ stdout: "not a function" }), TypeError);
    plain.free();
  });

  test(`${backend}: binary chunks only when trusted; debug.sethook in both modes`, () => {
    const dump = "string.dump(function() return 'ran' end)";
    const untrusted = new LuaVm({ instructionLimit: 100000 });
    assert.match(untrusted.exec(`return select(2, load(${dump}))`), /attempt to load a binary chunk/);
    assert.throws(() => untrusted.exec("debug.sethook(function() end, 'l') while true do end"), (e) => e.kind === "instructionLimit");
    untrusted.free();
    const trusted = new LuaVm({ trusted: true });
    assert.equal(trusted.exec(`return load(${dump})()`), "ran");
    assert.equal(trusted.exec("local n = 0 debug.sethook(function() n = n + 1 end, '', 10) for i = 1, 1000 do end debug.sethook() return n >= 100"), "true");
    trusted.free();
  });

  test(`${backend}: a trap makes the module say it is no longer usable`, () => {
    // A small JS stack (100 KB) makes deep C recursion inside wasm exhaust the engine's stack: a trap
    // that no Lua limit can prevent. The child process reports what the API threw.
    const script = `
      const { LuaVm } = require(${JSON.stringify(entry)});
      const vm = new LuaVm();
      const deep = "local function f(n) if n == 0 then return 0 end return select(2, pcall(f, n - 1)) end return f(190)";
      const out = [];
      try { vm.exec(deep); out.push("no trap"); } catch (e) { out.push(e.name + ": " + e.message); }
      try { vm.exec("return 1"); out.push("usable"); } catch (e) { out.push(e.message); }
      console.log(JSON.stringify(out));`;
    const out = JSON.parse(execFileSync(process.execPath, ["--stack-size=100", "-e", script], { encoding: "utf8" }));
    assert.match(out[0], /^Error: the Lua module trapped .* no longer usable/);
    assert.match(out[1], /trapped earlier .* no longer usable/);
  });
}
