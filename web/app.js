// The demo: load the chosen backend's module, run the code, show output, memory figures and a
// memory chart. Every URL is relative to this file, so any static server can host the site
// (`cargo harness demo --out DIR`).
import { examples } from "./examples.js";
import { MemoryChart } from "./chart.js";

const $ = (id) => document.getElementById(id);
const LIMITS = { memoryLimit: 8 * 1024 * 1024, instructionLimit: 50_000_000 };
const site = (path) => new URL(path, import.meta.url);
let current = null; // { backend, module, vm, wasmBytes }
let loading = null; // the promise of the backend being loaded, while it loads
let chart = null;
let sampling = null; // the series the running script's samples go to

function sample() {
  if (sampling && current) chart.add(sampling, current.vm.memoryStats());
}

function loadBackend(name, manifest) {
  const load = loadModule(name, manifest).finally(() => {
    if (loading === load) loading = null;
  });
  loading = load;
  return load;
}

async function loadModule(name, manifest) {
  $("status").textContent = `loading ${name}…`;
  if (current) current.vm.free();
  current = null;
  const module = await import(site(`pkg/${name}/web/lua_wasm.js`));
  await module.default();
  const vm = new module.LuaVm(LIMITS);
  // Host functions for the "Call JavaScript" example: Lua calls these JS functions directly.
  vm.set("page", {
    upper: (text) => text.toUpperCase(),
    now: () => Date.now(),
    describe: (value) => JSON.stringify(value),
  });
  // For the "Await" example: promises Lua waits for without blocking the page.
  vm.set("sleep", (ms) => new Promise((resolve) => setTimeout(() => { sample(); resolve(ms); }, ms)));
  vm.set("fetchText", async (url) => (await fetch(site(url))).text());
  const entry = manifest.backends.find((b) => b.name === name);
  current = { backend: name, module, vm, wasmBytes: entry ? entry.wasmBytes : null };
  $("status").textContent = `${module.backendName()} ready`;
  showStats();
}

function append(text, cls) {
  const span = document.createElement("span");
  if (cls) span.className = cls;
  span.textContent = text;
  $("output").append(span);
}

// Runs as an async chunk: Lua may `await` promises (the "Await" example); anything else runs
// at once, as with vm.run.
// A click while a module loads is queued: the status says so, and the code runs once it is ready.
async function run() {
  if (loading) {
    $("status").textContent = `Run queued: waiting for the module to load…`;
    await loading.catch(() => {});
  }
  if (!current) return;
  $("output").textContent = "";
  sampling = chart.start(current.backend, $("examples").value);
  sample();
  const timer = setInterval(sample, 25); // fires while the script awaits
  try {
    const result = await current.vm.runAsync($("code").value, "demo");
    append(current.vm.takeOutput());
    if (result !== undefined) append(`→ ${show(result)}\n`, "result");
  } catch (e) {
    append(current.vm.takeOutput());
    append(`${e.name}: ${e.message}\n`, "error");
    if (e.traceback) append(`${e.traceback}\n`, "error traceback");
  } finally {
    clearInterval(timer);
    sample();
    sampling = null;
  }
  $("status").textContent = `${current.backend} ready`;
  showStats();
}

// A converted Lua value as text: strings as they are, the rest as JSON (BigInt as digits).
function show(value) {
  if (typeof value === "string") return value;
  if (typeof value === "function") return "function";
  if (value === undefined) return "nil";
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v instanceof Map ? Object.fromEntries(v) : v)) ?? String(value);
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

function showStats() {
  const s = current.vm.memoryStats();
  const rows = [
    ["backend", s.backend],
    ["live", kib(s.liveBytes)],
    ["peak", kib(s.peakBytes)],
    ["heap", kib(s.heapBytes)],
    ["grows", s.growCount],
    ["allocations", s.allocations],
    ["failed", s.failedAllocations],
    ["limit", s.limitBytes ? kib(s.limitBytes) : "none"],
    ["module size", current.wasmBytes ? kib(current.wasmBytes) : "?"],
  ];
  $("stats").replaceChildren(...rows.map(([k, v]) => {
    const tr = document.createElement("tr");
    tr.innerHTML = "<td></td><td></td>";
    tr.children[0].textContent = k;
    tr.children[1].textContent = String(v);
    return tr;
  }));
}

async function main() {
  chart = new MemoryChart($("chart"));
  const manifest = await (await fetch(site("pkg/manifest.json"))).json();
  for (const b of manifest.backends) $("backend").add(new Option(b.name, b.name));
  for (const name of Object.keys(examples)) $("examples").add(new Option(name, name));
  $("code").value = examples.Hello;
  $("examples").addEventListener("change", (e) => { $("code").value = examples[e.target.value]; });
  $("backend").addEventListener("change", (e) => loadBackend(e.target.value, manifest));
  $("run").addEventListener("click", run);
  $("code").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
  });
  await loadBackend(manifest.backends[0].name, manifest);
}

main().catch((e) => { $("status").textContent = `failed to start: ${e.message}`; });
