// Lua's official test suite through the public JS API: each file in a fresh LuaVm, with the
// suite's own files in the VM's file system (the suite loads its helpers with require and
// dofile). Run by `cargo harness testes`; prints one line per file and writes the results as
// JSON when asked.
//
// usage: node testes.mjs <module lua_wasm.js> <suite dir> <trusted|untrusted> [results.json]
import { createRequire } from "node:module";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [entry, dir, mode, out] = process.argv.slice(2);
if (!entry || !dir || !["trusted", "untrusted"].includes(mode)) {
  console.error("usage: node testes.mjs <lua_wasm.js> <suite dir> <trusted|untrusted> [results.json]");
  process.exit(2);
}
const { LuaVm } = createRequire(import.meta.url)(entry);

// Not test files: the driver, the stand-alone interpreter's tests, the slow one, and helpers.
const NOT_TESTS = new Set(["all.lua", "main.lua", "heavy.lua", "bwcoercion.lua", "tracegc.lua"]);
const luaFiles = readdirSync(dir).filter((f) => f.endsWith(".lua")).sort();
const tests = luaFiles.filter((f) => !NOT_TESTS.has(f));
const sources = luaFiles.map((f) => [f, readFileSync(join(dir, f))]);
// A file that never ends must not stop the run: a generous limit per file.
const TIME_LIMIT_MS = 300_000;

const results = [];
for (const file of tests) {
  const vm = new LuaVm({ trusted: mode === "trusted", env: { PATH: "/usr/bin" }, timeLimit: TIME_LIMIT_MS });
  for (const [name, bytes] of sources) vm.fs.writeFile(name, bytes);
  const started = performance.now();
  let error = null;
  try {
    vm.exec(`_port = true _soft = true _nomsg = true return dofile(${JSON.stringify(file)})`);
  } catch (e) {
    error = e && e.name ? `${e.name}${e.kind ? ` (${e.kind})` : ""}: ${e.message}` : String(e);
  }
  const seconds = (performance.now() - started) / 1000;
  vm.free();
  results.push({ file, passed: !error, seconds, error });
  console.log(`${error ? "FAIL" : "ok  "} ${file.padEnd(16)} ${seconds.toFixed(2).padStart(7)} s${error ? `  ${error.split("\n")[0]}` : ""}`);
}
const passed = results.filter((r) => r.passed).length;
console.log(`${passed} passed, ${results.length - passed} failed (${mode})`);
if (out) writeFileSync(out, JSON.stringify({ mode, results }, null, 1));
process.exitCode = passed === results.length ? 0 : 1;
