// Allocator measurements inside the wasm modules built with lua-wasm's `bench` feature
// (target/lua-wasm-bench/<backend>/lua_wasm_bindgen.js). Driven by the harness with one JSON
// argument; prints one JSON result on stdout.
//
//   { "mode": "record", "module": DIR, "workloads": [{ "name", "path" }], "out": DIR }
//     records each workload's allocation trace on wasm32 into OUT/<name>.trace and
//     OUT/<name>.json ({ ops, peakLive } as seen on wasm).
//   { "mode": "bench", "modules": { BACKEND: DIR }, "traces": [{ "name", "path" }],
//     "workloads": [{ "name", "path" }], "rounds": N }
//     every round visits every backend (in rotated order, so drift hits all alike) and replays
//     every trace and runs every workload, each with the exact and the geometric growth policy.
import { createRequire } from "node:module";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const config = JSON.parse(process.argv[2]);

function load(dir) {
  return require(join(dir, "lua_wasm_bindgen.js"));
}

function record() {
  const module = load(config.module);
  mkdirSync(config.out, { recursive: true });
  const recorded = [];
  for (const { name, path } of config.workloads) {
    const { trace, ops, peakLive } = module.recordTrace(readFileSync(path, "utf8"), name);
    writeFileSync(join(config.out, `${name}.trace`), trace);
    writeFileSync(join(config.out, `${name}.json`), JSON.stringify({ ops, peakLive }));
    recorded.push({ name, ops, peakLive, bytes: trace.length });
  }
  return recorded;
}

function bench() {
  const backends = Object.keys(config.modules);
  const modules = Object.fromEntries(backends.map((b) => [b, load(config.modules[b])]));
  const traces = config.traces.map(({ name, path }) => ({ name, bytes: new Uint8Array(readFileSync(path)) }));
  const workloads = config.workloads.map(({ name, path }) => ({ name, code: readFileSync(path, "utf8") }));
  const samples = [];
  for (let round = 0; round < config.rounds; round++) {
    for (let i = 0; i < backends.length; i++) {
      const backend = backends[(i + round) % backends.length];
      const module = modules[backend];
      for (const geometric of [false, true]) {
        const policy = geometric ? "geometric" : "exact";
        for (const trace of traces) {
          const r = module.replayTrace(trace.bytes, geometric);
          samples.push({ kind: "replay", backend, policy, name: trace.name, ms: r.ms, ops: r.ops, peakLive: r.peakLive, heapBytes: r.heapBytes, growCount: r.growCount, failed: r.failed });
        }
        for (const workload of workloads) {
          const r = module.runWorkload(workload.code, workload.name, geometric);
          samples.push({ kind: "workload", backend, policy, name: workload.name, ms: r.ms, peakLive: r.peakBytes, heapBytes: r.heapBytes, growCount: r.growCount, result: r.result });
        }
      }
    }
  }
  return samples;
}

const result = config.mode === "record" ? record() : bench();
process.stdout.write(JSON.stringify(result));
