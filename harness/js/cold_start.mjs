// One cold start, in this fresh Node process: `node cold_start.mjs <web-dir>` for one of our
// modules (target/lua-wasm/<backend>/web), `node cold_start.mjs wasmoon` for the peer.
// The module bytes and the JavaScript glue are loaded first; the clock then covers compiling and
// instantiating the module, creating a VM (newstate + openlibs) and its first exec. Prints
// {"ms": number, "result": string}. Run by `cargo harness report` (Node's
// --experimental-default-type=module lets it import the web target's ES modules).
import { readFileSync } from "node:fs";
import { resolve, join } from "node:path";
import { pathToFileURL } from "node:url";
import { importWasmoon, serveWasmFromMemory, wasmoonFiles } from "./wasmoon.mjs";

const target = process.argv[2];
let start, result;
if (target === "wasmoon") {
  const { wasm } = wasmoonFiles();
  serveWasmFromMemory(wasm, readFileSync(wasm));
  const LuaFactory = await importWasmoon();
  start = performance.now();
  const engine = await new LuaFactory().createEngine();
  result = String(await engine.doString("return 1+1"));
} else {
  const bytes = readFileSync(join(target, "lua_wasm_bindgen_bg.wasm"));
  const glue = await import(pathToFileURL(resolve(target, "lua_wasm.js")).href);
  // wasm-bindgen's web glue asks `typeof Response`; in Node the first access loads Node's fetch
  // implementation (undici, ~15 ms). A browser has it already: load it before the clock.
  void globalThis.Response;
  start = performance.now();
  await glue.default({ module_or_path: bytes });
  result = new glue.LuaVm().exec("return 1+1");
}
const ms = performance.now() - start;
process.stdout.write(JSON.stringify({ ms, result }) + "\n");
