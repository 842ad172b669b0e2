// The Node side of `cargo harness report` and `cargo harness check`: one long-lived process
// that loads every module to measure and answers requests, one JSON object per line, so the Rust
// side can interleave runs across backends and do the statistics.
//
//   node --experimental-default-type=module measure.mjs '<config>'
//   config:   {"modules": {"talc": "<web dir>", ...}, "wasmoon": true|false,
//              "workloads": {"binary_trees": "<path.lua>", ...}}
//   first line out: {"ready": true, "wasmoonSkipped": null | "<why>"}
//   requests (stdin) and answers (stdout):
//     {"op": "init", "runner": R, "n": N}         -> {"ms": [N times of new VM]}
//     {"op": "run", "runner": R, "workload": W}   -> {"ms", "result", "init": stats, "after": stats}
//   R is a module name or "wasmoon"; stats are memoryStats() after openlibs and after the run
//   (null for wasmoon). Every run has a fresh VM; only the workload's exec is timed.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createInterface } from "node:readline";
import { importWasmoon } from "./wasmoon.mjs";

const config = JSON.parse(process.argv[2]);
const sources = Object.fromEntries(Object.entries(config.workloads).map(([name, path]) => [name, readFileSync(path, "utf8")]));

async function ourRunner(dir) {
  const glue = await import(pathToFileURL(resolve(dir, "lua_wasm.js")).href);
  await glue.default({ module_or_path: readFileSync(join(dir, "lua_wasm_bindgen_bg.wasm")) });
  return {
    init() {
      const start = performance.now();
      const vm = new glue.LuaVm();
      const ms = performance.now() - start;
      vm.free();
      return ms;
    },
    run(source, name) {
      const vm = new glue.LuaVm();
      const init = vm.memoryStats();
      const start = performance.now();
      const result = vm.exec(source, `=${name}`);
      const ms = performance.now() - start;
      const after = vm.memoryStats();
      vm.free();
      return { ms, result, init, after };
    },
  };
}

async function wasmoonRunner() {
  const LuaFactory = await importWasmoon();
  const factory = new LuaFactory();
  await factory.getLuaModule();
  return {
    async init() {
      const start = performance.now();
      const engine = await factory.createEngine();
      const ms = performance.now() - start;
      engine.global.close();
      return ms;
    },
    async run(source) {
      const engine = await factory.createEngine();
      const start = performance.now();
      const result = String(await engine.doString(source));
      const ms = performance.now() - start;
      engine.global.close();
      return { ms, result, init: null, after: null };
    },
  };
}

const runners = {};
for (const [name, dir] of Object.entries(config.modules)) runners[name] = await ourRunner(dir);
let wasmoonSkipped = null;
if (config.wasmoon) {
  try {
    runners.wasmoon = await wasmoonRunner();
  } catch (error) {
    wasmoonSkipped = `wasmoon could not be loaded: ${error.message.split("\n")[0]}`;
  }
}
const send = (value) => process.stdout.write(JSON.stringify(value) + "\n");
send({ ready: true, wasmoonSkipped });

async function answer(request) {
  const runner = runners[request.runner];
  if (!runner) throw new Error(`unknown runner ${request.runner}`);
  if (request.op === "init") {
    const ms = [];
    for (let i = 0; i < request.n; i++) ms.push(await runner.init());
    return { ms };
  }
  if (request.op === "run") {
    const source = sources[request.workload];
    if (source === undefined) throw new Error(`unknown workload ${request.workload}`);
    return await runner.run(source, request.workload);
  }
  throw new Error(`unknown op ${request.op}`);
}

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  try {
    send(await answer(JSON.parse(line)));
  } catch (error) {
    send({ error: `${error.name}: ${error.message}` });
  }
}
