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

// For a file that fails untrusted: the first thing the sandbox refused it (a binary chunk, a
// `__gc` metamethod), found by running it again with those functions watched. A file may catch
// the refusal and fail later, at a line that does not say why.
const WATCH_REFUSALS = `
  local refused = {}
  __refusals = refused
  local function note(what, message)
    if type(message) == "string" and (message:find("binary chunk") or message:find("__gc")) then
      refused[#refused + 1] = what .. ": " .. message
    end
  end
  for _, name in ipairs({ "load", "loadfile", "dofile", "setmetatable" }) do
    local original = _G[name]
    _G[name] = function(...)
      local results = table.pack(pcall(original, ...))
      if not results[1] then note(name, results[2]) error(results[2], 0) end
      if results[2] == nil then note(name, results[3]) end
      return table.unpack(results, 2, results.n)
    end
  end`;

function runFile(file, trusted, watch) {
  const vm = new LuaVm({ trusted, env: { PATH: "/usr/bin" }, timeLimit: TIME_LIMIT_MS });
  for (const [name, bytes] of sources) vm.fs.writeFile(name, bytes);
  let error = null;
  try {
    if (watch) vm.exec(WATCH_REFUSALS);
    vm.exec(`_port = true _soft = true _nomsg = true return dofile(${JSON.stringify(file)})`);
  } catch (e) {
    error = e && e.name ? `${e.name}${e.kind ? ` (${e.kind})` : ""}: ${e.message}` : String(e);
  }
  const refused = watch ? vm.run("return __refusals[1]") : undefined;
  vm.free();
  return { error, refused };
}

const results = [];
for (const file of tests) {
  const started = performance.now();
  const { error } = runFile(file, mode === "trusted", false);
  const seconds = (performance.now() - started) / 1000;
  const refused = error && mode === "untrusted" ? runFile(file, false, true).refused ?? null : null;
  results.push({ file, passed: !error, seconds, error, refused });
  console.log(`${error ? "FAIL" : "ok  "} ${file.padEnd(16)} ${seconds.toFixed(2).padStart(7)} s${error ? `  ${error.split("\n")[0]}` : ""}${refused ? `  [refused: ${refused}]` : ""}`);
}
const passed = results.filter((r) => r.passed).length;
console.log(`${passed} passed, ${results.length - passed} failed (${mode})`);
if (out) writeFileSync(out, JSON.stringify({ mode, results }, null, 1));
process.exitCode = passed === results.length ? 0 : 1;
